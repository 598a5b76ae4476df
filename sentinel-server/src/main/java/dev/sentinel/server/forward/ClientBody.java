package dev.sentinel.server.forward;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.Retainable;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Callback;

/**
 * The client's request body, as the upstream request reads it. Keeps the client's Content-Length (many
 * backends refuse or mishandle chunked requests), remembers why reading it failed (the client's fault,
 * not the upstream's), and measures how long the body waited on the upstream
 * ({@code sentinel_upstream_write_pending_seconds}).
 *
 * <p>A chunk is pending from the moment it is handed to the upstream connection until that connection
 * has written and released it, which includes waiting for a connection and for the upstream to read (TCP
 * back-pressure). The figure is the time during which a chunk was pending: time spent waiting for the
 * client to send more is not counted, so a slow client does not look like a slow upstream. The upstream
 * connection reads one chunk at a time and releases it before reading the next, so intervals never
 * overlap.
 */
final class ClientBody implements Content.Source {
    private static final VarHandle PEEKED;

    static {
        try {
            PEEKED = MethodHandles.lookup().findVarHandle(ClientBody.class, "peeked", Content.Chunk.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Content.Source content;
    /** The chunk read to find out whether there is a body: handed out first, or released if never read. */
    @SuppressWarnings("unused") // through PEEKED
    private volatile Content.Chunk peeked;
    private volatile Throwable failure;
    private volatile boolean written;
    private volatile long pendingSince;
    private volatile long pendingNanos;
    private volatile boolean pending;

    private ClientBody(Content.Source content, Content.Chunk peeked) {
        this.content = content;
        this.peeked = peeked;
    }

    /**
     * The request's body, or {@code null} when it has none, as its protocol frames it. HTTP/1: a
     * {@code Content-Length} above zero or a {@code Transfer-Encoding} (RFC 9112 6.3), nothing else. HTTP/2 and
     * later: a {@code content-length} above zero, or, without one, a stream the request headers did not end
     * (RFC 9113 8.1), which only reading tells: what that read returns is kept for the upstream.
     */
    static ClientBody of(Request request) {
        return of(request, request.getLength(), request.getConnectionMetaData().getHttpVersion(),
                request.getHeaders());
    }

    /** As {@link #of(Request)}, for a request's content, declared length, protocol version and headers. */
    static ClientBody of(Content.Source content, long length, HttpVersion version, HttpFields headers) {
        if (length >= 0) {
            return length > 0 ? new ClientBody(content, null) : null;
        }
        if (version.getVersion() < HttpVersion.HTTP_2.getVersion()) {
            return headers.contains(HttpHeader.TRANSFER_ENCODING) ? new ClientBody(content, null) : null;
        }
        Content.Chunk first = content.read();
        if (first != null && first.isLast() && !first.hasRemaining() && !Content.Chunk.isFailure(first)) {
            first.release();
            return null;
        }
        return new ClientBody(content, first);
    }

    @Override
    public void demand(Runnable demandCallback) {
        if (PEEKED.getVolatile(this) != null) {
            demandCallback.run();
            return;
        }
        content.demand(demandCallback);
    }

    /**
     * {@code completion}, made to first release what {@link #of} read if the exchange ended without sending it
     * (refused before any attempt, or answered before its body was read); {@code completion} itself when
     * nothing was read ahead.
     */
    Callback releasingUnsent(Callback completion) {
        if (PEEKED.getVolatile(this) == null) {
            return completion;
        }
        return new Callback.Nested(completion) {
            @Override
            public void succeeded() {
                releaseUnsent();
                super.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                releaseUnsent();
                super.failed(failure);
            }
        };
    }

    private void releaseUnsent() {
        Content.Chunk unsent = (Content.Chunk) PEEKED.getAndSet(this, null);
        if (unsent != null) {
            unsent.release();
        }
    }

    @Override
    public void fail(Throwable failure) {
        content.fail(failure);
    }

    @Override
    public Content.Chunk read() {
        Content.Chunk chunk = (Content.Chunk) PEEKED.getAndSet(this, null);
        if (chunk == null) {
            chunk = content.read();
        }
        if (chunk == null) {
            return null;
        }
        if (Content.Chunk.isFailure(chunk)) {
            failure = chunk.getFailure();
            return chunk;
        }
        if (!chunk.hasRemaining()) {
            return chunk;
        }
        written = true;
        pendingSince = System.nanoTime();
        pending = true;
        return Content.Chunk.asChunk(chunk.getByteBuffer(), chunk.isLast(), new Retainable.Wrapper(chunk) {
            @Override
            public boolean release() {
                if (pending) {
                    pending = false;
                    pendingNanos += System.nanoTime() - pendingSince;
                }
                return super.release();
            }
        });
    }

    /** Why reading the client's body failed (too large, too slow, cut off), or {@code null}. */
    Throwable failure() {
        return failure;
    }

    /**
     * The time chunks were pending, counting a chunk still pending up to now (the exchange failed under it);
     * -1 when no body chunk was ever handed over.
     */
    long pendingNanos() {
        if (!written) {
            return -1;
        }
        return pending ? pendingNanos + System.nanoTime() - pendingSince : pendingNanos;
    }
}

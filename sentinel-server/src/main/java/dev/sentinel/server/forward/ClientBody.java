package dev.sentinel.server.forward;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.Retainable;
import org.eclipse.jetty.server.Request;

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
    private final Request request;
    private volatile Throwable failure;
    private volatile boolean written;
    private volatile long pendingSince;
    private volatile long pendingNanos;
    private volatile boolean pending;

    private ClientBody(Request request) {
        this.request = request;
    }

    /**
     * The request's body, or {@code null} when it has none. As nginx decides it: a declared length above zero,
     * or a body framed by chunks or announced by type.
     */
    static ClientBody of(Request request) {
        HttpFields headers = request.getHeaders();
        boolean hasBody = request.getLength() > 0 || headers.contains(HttpHeader.TRANSFER_ENCODING)
                || headers.contains(HttpHeader.CONTENT_TYPE);
        return hasBody ? new ClientBody(request) : null;
    }

    @Override
    public void demand(Runnable demandCallback) {
        request.demand(demandCallback);
    }

    @Override
    public void fail(Throwable failure) {
        request.fail(failure);
    }

    @Override
    public Content.Chunk read() {
        Content.Chunk chunk = request.read();
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

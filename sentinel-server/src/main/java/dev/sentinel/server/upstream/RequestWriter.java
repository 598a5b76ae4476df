package dev.sentinel.server.upstream;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpGenerator;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Writes one exchange's request on its connection: the head, then the body chunk by chunk as the client
 * sends it, each read only once the last was written (back-pressure on the client). A body keeps the
 * client's {@code Content-Length} when it had one and is sent chunked otherwise.
 */
final class RequestWriter implements Callback {
    /** Far above any head a listener admits (its header limit), so only a bug reaches it. */
    private static final int MAX_REQUEST_HEAD_BYTES = 1024 * 1024;
    private static final byte[] REQUEST_LINE_END = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Runnable DONE = () -> { };
    private static final Runnable FAILED = () -> { };
    private static final int IDLE = 0;
    private static final int WRITING = 1;
    private static final int COMPLETED_INLINE = 2;
    private static final HttpField TRANSFER_ENCODING_CHUNKED =
            new PreEncodedHttpField(HttpHeader.TRANSFER_ENCODING, HttpHeaderValue.CHUNKED.asString());
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CRLF_LAST_CHUNK = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final UpstreamConnection connection;
    private final UpstreamExchange exchange;
    private final ByteBufferPool buffers;
    private final boolean chunked;
    private final Runnable pump = this::pump;
    private RetainableByteBuffer head;
    private Content.Chunk chunk;
    /** Whether the request's last bytes were handed to the socket. */
    private volatile boolean lastWritten;
    /**
     * What to do once the request was written: {@code null}, an action waiting, {@link #DONE}, or {@link #FAILED}
     * when a write failed.
     */
    private final AtomicReference<Runnable> whenDone = new AtomicReference<>();
    private volatile Throwable writeFailure;
    private volatile boolean abandoned;
    /** Whether the next body chunk is awaited from the client: the upstream is not the one keeping us waiting. */
    private volatile boolean awaitingClient;
    /** Whether a write is under way, and whether it completed within the call that made it. */
    private final AtomicInteger writing = new AtomicInteger(IDLE);

    RequestWriter(UpstreamConnection connection, UpstreamExchange exchange, ByteBufferPool buffers) {
        this.connection = connection;
        this.exchange = exchange;
        this.buffers = buffers;
        this.chunked = exchange.body != null && !exchange.headers.contains(HttpHeader.CONTENT_LENGTH);
        if (chunked) {
            exchange.headers.put(TRANSFER_ENCODING_CHUNKED);
        }
    }

    void start() {
        try {
            head = head(buffers, exchange);
        } catch (RuntimeException tooLarge) {
            connection.failExchange(tooLarge);
            return;
        }
        lastWritten = exchange.body == null;
        writing.set(WRITING);
        connection.getEndPoint().write(this, head.getByteBuffer());
        if (!writing.compareAndSet(WRITING, IDLE)) {
            writing.set(IDLE);
            pump();
        }
    }

    /**
     * Whether the whole request is written or being written: nothing of it is left to read from the client.
     * False once a write failed, so that the connection is not reused.
     */
    boolean isLastWritten() {
        return lastWritten;
    }

    /** Whether the request waits for the client to send more of its body. */
    boolean awaitsClient() {
        return awaitingClient;
    }

    /**
     * Runs {@code action} once the whole request was written: now, or when its last write completes. When a
     * write failed instead, the connection is closed and {@code action} never runs.
     */
    void whenDone(Runnable action) {
        Runnable prior = whenDone.compareAndExchange(null, action);
        if (prior == DONE) {
            action.run();
        } else if (prior == FAILED) {
            connection.close(writeFailure);
        }
    }

    /** The response ended before the request did: stop sending (the connection is closed, not reused). */
    void abandon() {
        abandoned = true;
    }

    /** The last write completed: release what it wrote, then write the next body chunk, if any. */
    @Override
    public void succeeded() {
        boolean last = releaseWritten();
        if (last || exchange.body == null) {
            Runnable action = whenDone.getAndSet(DONE);
            if (action != null) {
                action.run();
            }
            return;
        }
        if (writing.compareAndSet(WRITING, COMPLETED_INLINE)) {
            // Within the write call: the loop that made it goes on, rather than this stack growing per chunk.
            return;
        }
        pump();
    }

    /**
     * A write failed: the upstream stopped reading the request, and closed or reset the connection. Often it
     * answered first (a 413, a 401 before the body), so while the connection is open the exchange is left to
     * the response side: a response that arrives whole is relayed, and otherwise the reset or end of input
     * that follows fails it. A closed connection reads nothing more, so its exchange fails here. The
     * connection is never reused.
     */
    @Override
    public void failed(Throwable failure) {
        releaseWritten();
        writeFailure = failure;
        abandoned = true;
        lastWritten = false;
        Runnable waiting = whenDone.getAndSet(FAILED);
        if (waiting != null) {
            // The response had ended and the connection waited only for this write to go back to its pool.
            connection.close(failure);
        } else if (!connection.isOpen()) {
            // Closed before this exchange was on it (a pooled connection the upstream closed meanwhile): the
            // close found no exchange to fail.
            connection.failExchange(failure);
        }
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    /** Releases the head or chunk just written; whether it was the body's last. */
    private boolean releaseWritten() {
        if (head != null) {
            head.release();
            head = null;
            return false;
        }
        Content.Chunk written = chunk;
        chunk = null;
        boolean last = written != null && written.isLast();
        if (written != null) {
            written.release();
        }
        return last;
    }

    /**
     * Also the demand callback, which runs when the client sent more or when its body ran out of time; only a
     * chunk read, not the callback, ends the wait on the client (the upstream's idle timeout must not blame
     * the upstream for a client whose body is being refused).
     */
    private void pump() {
        while (true) {
            if (abandoned || exchange.isEnded()) {
                return;
            }
            Content.Chunk next = exchange.body.read();
            if (next == null) {
                awaitingClient = true;
                exchange.body.demand(pump);
                return;
            }
            if (Content.Chunk.isFailure(next)) {
                exchange.abort(next.getFailure());
                return;
            }
            awaitingClient = false;
            if (!next.hasRemaining() && !next.isLast()) {
                next.release();
                continue;
            }
            chunk = next;
            lastWritten = next.isLast();
            writing.set(WRITING);
            write(next);
            if (writing.compareAndSet(WRITING, IDLE)) {
                // Completes later: succeeded() pumps on.
                return;
            }
            writing.set(IDLE);
        }
    }

    private void write(Content.Chunk next) {
        ByteBuffer data = next.getByteBuffer();
        if (!chunked) {
            connection.getEndPoint().write(this, data);
        } else if (!data.hasRemaining()) {
            connection.getEndPoint().write(this, ByteBuffer.wrap(LAST_CHUNK));
        } else {
            ByteBuffer size = ByteBuffer.wrap((Integer.toHexString(data.remaining()) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            ByteBuffer end = ByteBuffer.wrap(next.isLast() ? CRLF_LAST_CHUNK : CRLF);
            connection.getEndPoint().write(this, size, data, end);
        }
    }

    /** Writes the request head into a pooled buffer, growing it for a head that does not fit. */
    private static RetainableByteBuffer head(ByteBufferPool buffers, UpstreamExchange exchange) {
        for (int size = 4096; ; size *= 2) {
            RetainableByteBuffer head = buffers.acquire(size, true);
            ByteBuffer b = head.getByteBuffer();
            int position = BufferUtil.flipToFill(b);
            try {
                b.put(exchange.method.getBytes(StandardCharsets.US_ASCII)).put((byte) ' ')
                        .put(exchange.pathQuery.getBytes(StandardCharsets.UTF_8)).put(REQUEST_LINE_END);
                // The fields, then the blank line that ends the head.
                HttpGenerator.putTo(exchange.headers, b);
                BufferUtil.flipToFlush(b, position);
                return head;
            } catch (BufferOverflowException tooSmall) {
                head.release();
                if (size >= MAX_REQUEST_HEAD_BYTES) {
                    throw new IllegalStateException("request head over " + MAX_REQUEST_HEAD_BYTES + " bytes");
                }
            }
        }
    }
}

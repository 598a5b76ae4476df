package dev.sentinel.server.forward;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.AsyncRequestContent;
import org.eclipse.jetty.util.Callback;

/**
 * The upstream request's body, as AMMS fills it from the client's: keeps the client's Content-Length, and
 * measures how long the body waited on the upstream ({@code sentinel_upstream_write_pending_seconds}).
 *
 * <p>A chunk is pending from the moment AMMS hands it over until the upstream connection has written it
 * (the chunk's callback), which includes waiting for a connection and for the upstream to read (TCP
 * back-pressure). The figure is the time during which at least one chunk was pending: time spent waiting
 * for the client to send more is not counted, so a slow client does not look like a slow upstream.
 *
 * <p>AMMS writes the next chunks only after the previous ones' callbacks completed, and the accounting is
 * done before the callback is passed on, so an interval always closes before the next one opens.
 */
final class TimedRequestContent extends AsyncRequestContent {
    private final long length;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong pendingNanos = new AtomicLong();
    private volatile long pendingSince;
    private volatile boolean written;

    TimedRequestContent(long length) {
        this.length = length;
    }

    @Override
    public long getLength() {
        return length;
    }

    @Override
    public void write(ByteBuffer buffer, Callback callback) {
        written = true;
        if (pending.getAndIncrement() == 0) {
            pendingSince = System.nanoTime();
        }
        super.write(buffer, Callback.from(this::chunkDone, callback));
    }

    private void chunkDone() {
        if (pending.decrementAndGet() == 0) {
            pendingNanos.addAndGet(System.nanoTime() - pendingSince);
        }
    }

    /**
     * The time chunks were pending, counting a chunk still pending up to now (the exchange failed under it);
     * -1 when no body chunk was ever written.
     */
    long pendingNanos() {
        if (!written) {
            return -1;
        }
        long total = pendingNanos.get();
        return pending.get() > 0 ? total + System.nanoTime() - pendingSince : total;
    }
}

package dev.sentinel.server.upstream;

import dev.sentinel.spi.Target;
import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The connections to one target: idle ones, most recently used first (so that surplus connections age out
 * by their idle timeout), at most {@link UpstreamClients#MAX_CONNECTIONS_PER_TARGET} open, and past that a
 * bounded queue of exchanges waiting for one.
 */
final class TargetConnections {
    private final Target target;
    private final int maxConnections;
    private final int maxQueued;
    private final Consumer<TargetConnections> opener;
    private final ConcurrentLinkedDeque<UpstreamConnection> idle = new ConcurrentLinkedDeque<>();
    private final Queue<UpstreamExchange> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    /** Connects under way: each will serve a waiting exchange, so no more are opened than wait. */
    private final AtomicInteger connecting = new AtomicInteger();

    /** @param opener opens one more connection to this target, which then arrives through {@link #release} */
    TargetConnections(Target target, int maxConnections, int maxQueued, Consumer<TargetConnections> opener) {
        this.target = target;
        this.maxConnections = maxConnections;
        this.maxQueued = maxQueued;
        this.opener = opener;
    }

    /** Resolves the target's name now: a new connection follows the target's DNS record as it is today. */
    InetSocketAddress resolve() {
        return new InetSocketAddress(target.host(), target.port());
    }

    /** Sends {@code exchange} on an idle connection, a new one, or the first to come free. */
    void send(UpstreamExchange exchange) {
        UpstreamConnection connection = pollIdle();
        if (connection != null) {
            if (!dispatch(connection, exchange)) {
                release(connection);
            }
            return;
        }
        if (queued.incrementAndGet() > maxQueued) {
            queued.decrementAndGet();
            exchange.fail(new RejectedExecutionException("more than " + maxQueued + " requests wait for a connection"));
            return;
        }
        waiting.add(exchange);
        if (!openForWaiting()) {
            // A connection may have come back between the poll above and the queueing.
            UpstreamConnection freed = pollIdle();
            if (freed != null) {
                release(freed);
            }
        }
    }

    /** Opens a connection when more exchanges wait than connects are under way, and the cap allows. */
    private boolean openForWaiting() {
        if (queued.get() <= connecting.get()) {
            return false;
        }
        if (open.incrementAndGet() <= maxConnections) {
            connecting.incrementAndGet();
            opener.accept(this);
            return true;
        }
        open.decrementAndGet();
        return false;
    }

    /** A new connection opened: it serves the first waiting exchange. */
    void opened(UpstreamConnection connection) {
        connecting.decrementAndGet();
        release(connection);
    }

    /** A connection is free (new, or done with its exchange): the first waiting exchange takes it. */
    void release(UpstreamConnection connection) {
        while (connection != null) {
            if (!connection.isOpen()) {
                // It closed before it came back (the upstream hung up): closed() freed its place.
                return;
            }
            UpstreamExchange next;
            while ((next = waiting.poll()) != null) {
                queued.decrementAndGet();
                if (dispatch(connection, next)) {
                    return;
                }
            }
            idle.offerFirst(connection);
            if (waiting.isEmpty()) {
                return;
            }
            // An exchange was queued while this one went idle: take an idle connection back for it.
            connection = pollIdle();
        }
    }

    /** Opening a connection failed: the first waiting exchange hears why, and the others try again. */
    void openFailed(Throwable failure) {
        connecting.decrementAndGet();
        open.decrementAndGet();
        UpstreamExchange next;
        while ((next = waiting.poll()) != null) {
            queued.decrementAndGet();
            if (!next.isEnded()) {
                next.fail(failure);
                break;
            }
        }
        openForWaiting();
    }

    /** A connection closed, in the pool or not: its place is free, for a waiting exchange if there is one. */
    void closed(UpstreamConnection connection) {
        idle.remove(connection);
        open.decrementAndGet();
        openForWaiting();
    }

    /** Closes every idle connection and fails the waiting exchanges: the client stops. */
    void close(Throwable cause) {
        UpstreamConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            connection.close(cause);
        }
        UpstreamExchange next;
        while ((next = waiting.poll()) != null) {
            queued.decrementAndGet();
            next.fail(cause);
        }
    }

    private UpstreamConnection pollIdle() {
        UpstreamConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            if (connection.isOpen()) {
                return connection;
            }
        }
        return null;
    }

    private static boolean dispatch(UpstreamConnection connection, UpstreamExchange exchange) {
        if (!exchange.attach(connection)) {
            return false;
        }
        connection.send(exchange);
        return true;
    }
}

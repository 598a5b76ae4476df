package dev.sentinel.server.upstream;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * One request to one target and its response's state: the request to send, the listener, and who may tell
 * it what. A small state machine serialises the listener: the connection's event loop notifies it between
 * {@link #enter} and {@link #exit}; an abort from another thread (a deadline, the client's side) that lands
 * meanwhile is told by {@link #exit}, after the notification in progress, never during it.
 */
final class UpstreamExchange {
    private static final int WAITING = 0;
    private static final int ACTIVE = 1;
    private static final int NOTIFYING = 2;
    private static final int ABORTING = 3;
    private static final int ENDED = 4;

    final String method;
    final String pathQuery;
    final HttpFields.Mutable headers;
    /** The request body, or {@code null}. */
    final Content.Source body;
    final UpstreamListener listener;
    private final AtomicInteger state = new AtomicInteger(WAITING);
    private volatile UpstreamConnection connection;
    private volatile Scheduler.Task deadline;
    /** The first reason the exchange was ended for: the one its listener hears, whoever wins the race. */
    private final AtomicReference<Throwable> cause = new AtomicReference<>();
    /** The response's status once its head arrived, else 0. */
    volatile int status;

    UpstreamExchange(String method, String pathQuery, HttpFields.Mutable headers, Content.Source body,
                     UpstreamListener listener) {
        this.method = method;
        this.pathQuery = pathQuery;
        this.headers = headers;
        this.body = body;
        this.listener = listener;
    }

    void deadline(Scheduler.Task task) {
        deadline = task;
        if (state.get() == ENDED) {
            task.cancel();
        }
    }

    /** Hands the exchange its connection; {@code false} when it ended while waiting for one. */
    boolean attach(UpstreamConnection connection) {
        this.connection = connection;
        return state.compareAndSet(WAITING, ACTIVE);
    }

    boolean isEnded() {
        int s = state.get();
        return s == ENDED || s == ABORTING;
    }

    /** Before the connection notifies the listener; {@code false} when the exchange ended meanwhile. */
    boolean enter() {
        return state.compareAndSet(ACTIVE, NOTIFYING);
    }

    /** After a notification: tells the listener of an abort that arrived during it. */
    void exit() {
        if (!state.compareAndSet(NOTIFYING, ACTIVE) && state.compareAndSet(ABORTING, ENDED)) {
            cancelDeadline();
            listener.onFailure(status, cause.get());
        }
    }

    /**
     * The response ended whole: {@code true} when the exchange is the connection's to finish (its listener
     * then hears {@link UpstreamListener#onComplete}), {@code false} when it was aborted first.
     */
    boolean finish() {
        if (state.compareAndSet(ACTIVE, ENDED)) {
            cancelDeadline();
            return true;
        }
        return false;
    }

    /** The connection failed under the exchange (reset, timeout, garbage); it is already closing. */
    void fail(Throwable failure) {
        end(failure, false);
    }

    /** Ends the exchange with {@code cause}: its connection is closed, not reused. */
    void abort(Throwable cause) {
        end(cause, true);
    }

    private void end(Throwable failure, boolean closeConnection) {
        cause.compareAndSet(null, failure);
        while (true) {
            int s = state.get();
            if (s == ENDED || s == ABORTING) {
                return;
            }
            if (s == NOTIFYING) {
                if (state.compareAndSet(NOTIFYING, ABORTING)) {
                    close(failure, closeConnection);
                    return;
                }
            } else if (state.compareAndSet(s, ENDED)) {
                cancelDeadline();
                close(failure, closeConnection);
                listener.onFailure(status, cause.get());
                return;
            }
        }
    }

    private void close(Throwable cause, boolean closeConnection) {
        UpstreamConnection c = connection;
        if (closeConnection && c != null) {
            c.close(cause);
        }
    }

    private void cancelDeadline() {
        Scheduler.Task task = deadline;
        if (task != null) {
            task.cancel();
        }
    }
}

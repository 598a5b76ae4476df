package dev.sentinel.server.error;

import java.net.SocketTimeoutException;
import java.util.concurrent.TimeoutException;

/** What a failure was, wherever Jetty or the JDK wrapped it: the one walk of a cause chain. */
public final class Causes {
    private Causes() {
    }

    /** Whether {@code failure} or one of its causes is a {@code type}. */
    public static boolean has(Throwable failure, Class<? extends Throwable> type) {
        return find(failure, type) != null;
    }

    /** The first of {@code failure} and its causes that is a {@code type}, or {@code null}. */
    public static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** A timeout: Jetty's idle and deadline timeouts, or the JDK's socket timeouts. */
    public static boolean isTimeout(Throwable failure) {
        return has(failure, TimeoutException.class) || has(failure, SocketTimeoutException.class);
    }
}

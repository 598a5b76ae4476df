package dev.sentinel.server.limits;

import java.util.concurrent.TimeoutException;

/**
 * The status a client gets when its own side of an exchange failed, wherever Jetty wrapped the cause: its body
 * over the limit is 413, a timeout (a body too slow, a client that stalled) 408, anything else (it went away,
 * it sent a broken body) 400. One mapping for the forwarding engine and for filters that read the body first.
 */
public final class ClientFailures {
    private ClientFailures() {
    }

    public static int status(Throwable failure) {
        if (causedBy(failure, BodyLimitExceeded.class)) {
            return 413;
        }
        return causedBy(failure, TimeoutException.class) ? 408 : 400;
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}

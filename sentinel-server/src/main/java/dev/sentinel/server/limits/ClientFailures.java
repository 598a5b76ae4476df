package dev.sentinel.server.limits;

import dev.sentinel.server.error.Causes;

/**
 * The status a client gets when its own side of an exchange failed, wherever Jetty wrapped the cause: its body
 * over the limit is 413, a timeout (a body too slow, a client that stalled) 408, anything else (it went away,
 * it sent a broken body) 400. One mapping for the forwarding engine and for filters that read the body first.
 */
public final class ClientFailures {
    private ClientFailures() {
    }

    public static int status(Throwable failure) {
        if (Causes.has(failure, BodyLimitExceeded.class)) {
            return 413;
        }
        return Causes.isTimeout(failure) ? 408 : 400;
    }
}

package dev.sentinel.server.upstream;

import dev.sentinel.server.limits.BodyLimitExceeded;
import dev.sentinel.spi.Outcome;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeoutException;

/** Classifies how an exchange with an upstream ended, for the balancer's {@link Outcome}. */
final class Outcomes {
    private Outcomes() {
    }

    static Outcome.Kind kind(int status, Throwable failure) {
        if (failure == null) {
            if (status == 0) {
                return Outcome.Kind.CANCELLED;
            }
            return status >= 500 ? Outcome.Kind.SERVER_ERROR : Outcome.Kind.SUCCESS;
        }
        if (has(failure, BodyLimitExceeded.class)) {
            return Outcome.Kind.CANCELLED;
        }
        if (has(failure, TimeoutException.class) || has(failure, SocketTimeoutException.class)) {
            return Outcome.Kind.TIMEOUT;
        }
        if (status == 0 && (has(failure, ConnectException.class) || has(failure, NoRouteToHostException.class)
                || has(failure, UnknownHostException.class) || has(failure, UnresolvedAddressException.class))) {
            return Outcome.Kind.CONNECT_FAILURE;
        }
        return Outcome.Kind.FAILURE;
    }

    private static boolean has(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}

package dev.sentinel.server.upstream;

import dev.sentinel.server.error.Causes;
import dev.sentinel.server.limits.BodyLimitExceeded;
import dev.sentinel.spi.Outcome;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;

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
        if (Causes.has(failure, BodyLimitExceeded.class)) {
            return Outcome.Kind.CANCELLED;
        }
        if (Causes.isTimeout(failure)) {
            return Outcome.Kind.TIMEOUT;
        }
        if (status == 0 && (Causes.has(failure, ConnectException.class)
                || Causes.has(failure, NoRouteToHostException.class) || Causes.has(failure, UnknownHostException.class)
                || Causes.has(failure, UnresolvedAddressException.class))) {
            return Outcome.Kind.CONNECT_FAILURE;
        }
        return Outcome.Kind.FAILURE;
    }
}

package dev.sentinel.server.forward;

import dev.sentinel.server.limits.BodyLimitExceeded;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeoutException;

/** Maps a failure on the upstream's leg to the status the client gets ({@code ClientFailures} for the client's). */
final class FailureStatus {
    private FailureStatus() {
    }

    /** Talking to the upstream failed: a timeout is 504, anything else 502. */
    static int serverLeg(Throwable failure) {
        if (has(failure, BodyLimitExceeded.class)) {
            return 413;
        }
        return has(failure, TimeoutException.class) || has(failure, SocketTimeoutException.class) ? 504 : 502;
    }

    /** The upstream refused or could not be reached: nothing was exchanged with it. */
    static boolean isConnectFailure(Throwable failure) {
        return has(failure, ConnectException.class) || has(failure, NoRouteToHostException.class)
                || has(failure, UnknownHostException.class) || has(failure, UnresolvedAddressException.class);
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

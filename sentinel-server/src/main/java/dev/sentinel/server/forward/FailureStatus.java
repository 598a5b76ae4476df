package dev.sentinel.server.forward;

import dev.sentinel.server.error.Causes;
import dev.sentinel.server.limits.BodyLimitExceeded;

/** Maps a failure on the upstream's leg to the status the client gets ({@code ClientFailures} for the client's). */
final class FailureStatus {
    private FailureStatus() {
    }

    /** Talking to the upstream failed: a timeout is 504, anything else 502. */
    static int serverLeg(Throwable failure) {
        if (Causes.has(failure, BodyLimitExceeded.class)) {
            return 413;
        }
        return Causes.isTimeout(failure) ? 504 : 502;
    }
}

package dev.sentinel.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * How one exchange with a target went, reported to {@link LoadBalancer#onComplete}.
 *
 * @param kind    what happened
 * @param status  the upstream's HTTP status, or 0 when none was received
 * @param latency from {@link LoadBalancer#onStart} to the end of the exchange (the response relayed, or
 *                the failure); for a streamed response this includes the streaming
 */
public record Outcome(Kind kind, int status, Duration latency) {
    /** The classes of outcome that matter for choosing targets. */
    public enum Kind {
        /** The upstream answered with a status below 500. */
        SUCCESS,
        /** The upstream answered with a 5xx status. */
        SERVER_ERROR,
        /** No connection could be made: refused, unreachable, unresolvable. */
        CONNECT_FAILURE,
        /** Connecting, or waiting for the upstream, took longer than its timeout. */
        TIMEOUT,
        /** The connection broke, or the upstream's response was malformed. */
        FAILURE,
        /** The exchange ended for a reason that says nothing about the upstream (the client gave up). */
        CANCELLED
    }

    public Outcome {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(latency, "latency");
        if (status < 0 || status > 999) {
            throw new IllegalArgumentException("status out of range: " + status);
        }
    }

    public static Outcome of(Kind kind, int status, Duration latency) {
        return new Outcome(kind, status, latency);
    }

    /** True for {@link Kind#SUCCESS}. */
    public boolean succeeded() {
        return kind == Kind.SUCCESS;
    }

    /**
     * True when the upstream is to blame: a 5xx, a connect failure, a timeout or a broken connection.
     * {@link Kind#CANCELLED} is neither a success nor an upstream failure.
     */
    public boolean upstreamFailed() {
        return kind != Kind.SUCCESS && kind != Kind.CANCELLED;
    }
}

package dev.sentinel.server.config;

import dev.sentinel.spi.Agent;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One in-process agent ({@code agents { agent "id" type="TYPE" { … } }}), checked and ready to make.
 * Filters of type {@code "agent"} put it on routes; the server, not the agent, enforces its timeout,
 * failure mode and concurrency.
 *
 * @param type               the type as its provider names it
 * @param events             what the agent is shown; default {@link Event#REQUEST_HEADERS}
 * @param timeout            per call; default {@link #DEFAULT_TIMEOUT}
 * @param failureMode        what a timeout or an exception means; default {@link FailureMode#CLOSED}
 * @param maxBodyBytes       the most request body shown to it; a larger body is answered 413;
 *                           default {@link #DEFAULT_MAX_BODY_BYTES}
 * @param maxConcurrentCalls calls running at once, late ones included; beyond it the failure mode applies
 *                           without calling; default {@link #DEFAULT_MAX_CONCURRENT_CALLS}
 * @param factory            makes the live instance; each configuration that goes live makes one, shared by
 *                           every filter that names the agent
 */
public record AgentConfig(String id, String type, Set<Event> events, Duration timeout, FailureMode failureMode,
                          long maxBodyBytes, int maxConcurrentCalls, Supplier<Agent> factory) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(1000);
    public static final Duration MAX_TIMEOUT = Duration.ofSeconds(60);
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_CONCURRENT_CALLS = 100;

    public AgentConfig {
        events = Collections.unmodifiableSet(EnumSet.copyOf(events));
    }

    /** The events an agent may subscribe to ({@code events "request_headers" "request_body"}). */
    public enum Event {
        REQUEST_HEADERS("request_headers"),
        REQUEST_BODY("request_body"),
        RESPONSE_HEADERS("response_headers");

        private final String label;

        Event(String label) {
            this.label = label;
        }

        /** As the configuration and the metrics write it. */
        public String label() {
            return label;
        }
    }

    /** What an agent's failure (timeout, exception, overload) means for the request. */
    public enum FailureMode {
        /** The request goes on as if the agent had allowed it, without its header changes. */
        OPEN,
        /** The request is answered 503. */
        CLOSED
    }
}

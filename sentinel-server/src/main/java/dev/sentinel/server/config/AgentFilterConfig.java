package dev.sentinel.server.config;

import java.time.Duration;

/**
 * The settings of a filter of type {@code "agent"} ({@code filter "id" { type "agent"; agent "NAME" … }}):
 * which agent, and what this filter changes about it. A {@code null} falls back to the agent's own.
 *
 * @param agent        the id of an agent in the {@code agents} block
 * @param timeout      overrides the agent's {@code timeout-ms}, or {@code null}
 * @param failureMode  overrides the agent's {@code failure-mode}, or {@code null}
 * @param phase        which of the agent's events this filter delivers; default {@link Phase#BOTH}
 * @param inspectBody  {@code #false} turns the agent's {@code request_body} events off here, or {@code null}
 * @param maxBodyBytes overrides the agent's {@code max-request-body-bytes}, or {@code null}
 */
public record AgentFilterConfig(String agent, Duration timeout, AgentConfig.FailureMode failureMode, Phase phase,
                                Boolean inspectBody, Long maxBodyBytes) {

    /** Which side of the exchange the filter shows the agent. */
    public enum Phase {
        /** Request headers and body. */
        REQUEST,
        /** Response headers. */
        RESPONSE,
        BOTH
    }
}

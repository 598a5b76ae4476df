package dev.sentinel.server.config;

import dev.sentinel.spi.Filter;
import java.util.function.Supplier;

/**
 * One filter definition ({@code filters { filter "id" { type "TYPE" … } }}), checked and ready to make.
 *
 * @param type    the type as its provider names it ({@code rate_limit}), or {@code agent}
 * @param factory makes the live instance; each configuration that goes live makes one, shared by every
 *                route that names the filter; {@code null} for an agent filter
 * @param agent   for {@code type "agent"}: the agent and this filter's settings for it, else {@code null}
 */
public record FilterConfig(String id, String type, Supplier<Filter> factory, AgentFilterConfig agent) {
    public static final String AGENT_TYPE = "agent";

    /** A filter made by a filter plugin. */
    public FilterConfig(String id, String type, Supplier<Filter> factory) {
        this(id, type, factory, null);
    }

    /** A filter that calls an agent. */
    public static FilterConfig agent(String id, AgentFilterConfig agent) {
        return new FilterConfig(id, AGENT_TYPE, null, agent);
    }
}

package dev.sentinel.server.agent;

import dev.sentinel.server.config.AgentConfig;
import dev.sentinel.server.config.AgentFilterConfig;
import dev.sentinel.server.config.FilterConfig;
import dev.sentinel.server.config.SentinelConfig;
import dev.sentinel.server.observability.ProxyMetrics;
import dev.sentinel.spi.Filter;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Makes the live agents of one configuration, one instance per definition (shared by the filters that
 * name it, like its concurrency bound), and the agent filters on them.
 */
public final class AgentFilters {
    private AgentFilters() {
    }

    /** The filters of type {@code "agent"} of {@code config}, by filter id. */
    public static Map<String, Filter> create(SentinelConfig config, ProxyMetrics metrics) {
        Map<String, GuardedAgent> agents = new HashMap<>();
        Map<String, Filter> filters = new HashMap<>();
        for (FilterConfig filter : config.filters().values()) {
            AgentFilterConfig settings = filter.agent();
            if (settings == null) {
                continue;
            }
            AgentConfig agentConfig = config.agents().get(settings.agent());
            GuardedAgent agent = agents.computeIfAbsent(settings.agent(),
                    id -> new GuardedAgent(agentConfig, agentConfig.factory().get(), metrics));
            filters.put(filter.id(), new AgentFilter(filter.id(), agent,
                    settings.timeout() != null ? settings.timeout() : agentConfig.timeout(),
                    settings.failureMode() != null ? settings.failureMode() : agentConfig.failureMode(),
                    events(agentConfig, settings),
                    settings.maxBodyBytes() != null ? settings.maxBodyBytes() : agentConfig.maxBodyBytes()));
        }
        return filters;
    }

    /** The agent's events that the filter's phase and inspect-body let through. */
    static Set<AgentConfig.Event> events(AgentConfig agent, AgentFilterConfig filter) {
        Set<AgentConfig.Event> events = EnumSet.noneOf(AgentConfig.Event.class);
        events.addAll(agent.events());
        if (filter.phase() == AgentFilterConfig.Phase.RESPONSE) {
            events.remove(AgentConfig.Event.REQUEST_HEADERS);
            events.remove(AgentConfig.Event.REQUEST_BODY);
        }
        if (filter.phase() == AgentFilterConfig.Phase.REQUEST) {
            events.remove(AgentConfig.Event.RESPONSE_HEADERS);
        }
        if (Boolean.FALSE.equals(filter.inspectBody())) {
            events.remove(AgentConfig.Event.REQUEST_BODY);
        }
        return events;
    }
}

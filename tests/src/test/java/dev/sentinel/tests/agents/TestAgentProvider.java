package dev.sentinel.tests.agents;

import dev.sentinel.spi.Agent;
import dev.sentinel.spi.AgentProvider;
import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.PluginConfig;

/**
 * Agents that misbehave on purpose, for AgentsTest only: packed into a plugin jar by the test, never on a
 * server's class path. Settings: {@code mode} ({@code allow}, {@code hang}, {@code throw},
 * {@code redirect}), {@code body-marker} and {@code withhold-if-response-has}.
 */
public final class TestAgentProvider implements AgentProvider {
    @Override
    public String type() {
        return "test_agent";
    }

    @Override
    public Agent create(PluginConfig config) throws ConfigException {
        String mode = config.string("mode", "allow");
        if (!mode.equals("allow") && !mode.equals("hang") && !mode.equals("throw") && !mode.equals("redirect")) {
            throw config.invalid("mode", "'mode' is allow, hang, throw or redirect");
        }
        return new TestAgent(mode, config.string("body-marker", null), config.string("withhold-if-response-has", null));
    }
}

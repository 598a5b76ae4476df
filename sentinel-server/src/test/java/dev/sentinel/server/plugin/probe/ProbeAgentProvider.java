package dev.sentinel.server.plugin.probe;

import dev.sentinel.spi.Agent;
import dev.sentinel.spi.AgentProvider;
import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.PluginConfig;

/** An agent plugin for binder tests: packed into a jar by the test; one setting, {@code greeting}. */
public final class ProbeAgentProvider implements AgentProvider, Agent {
    @Override
    public String type() {
        return "probe_agent";
    }

    @Override
    public Agent create(PluginConfig config) throws ConfigException {
        config.string("greeting", "hello");
        // Its own agent, which answers allow to everything: one class to pack.
        return this;
    }
}

package dev.sentinel.spi;

/**
 * Makes an {@link Agent} for {@code agents { agent "NAME" type="TYPE" { … } }}; filters of type
 * {@code "agent"} put it on routes. {@link #create} is called once per agent definition and configuration.
 * List the implementation in {@code META-INF/services/dev.sentinel.spi.AgentProvider}.
 */
public interface AgentProvider extends PluginProvider<Agent> {
}

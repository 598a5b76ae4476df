/**
 * The contract between Sentinel and its plugins. It holds no Jetty type and nothing of the server's
 * internals, so a plugin built against it survives Jetty upgrades and server refactorings. Built-in
 * implementations use the same contract.
 *
 * <ul>
 *   <li>{@link dev.sentinel.spi.PluginProvider}: the {@link java.util.ServiceLoader} entry point, one per
 *       plugin type, with its kinds ({@link dev.sentinel.spi.LoadBalancerProvider},
 *       {@link dev.sentinel.spi.FilterProvider}, {@link dev.sentinel.spi.AgentProvider});</li>
 *   <li>{@link dev.sentinel.spi.PluginConfig} and {@link dev.sentinel.spi.ConfigException}: the plugin's
 *       configuration block, typed, with errors located at file:line;</li>
 *   <li>{@link dev.sentinel.spi.LoadBalancer}, {@link dev.sentinel.spi.Target},
 *       {@link dev.sentinel.spi.Outcome}: choosing targets and learning from exchanges;</li>
 *   <li>{@link dev.sentinel.spi.Filter}, {@link dev.sentinel.spi.FilterRequest},
 *       {@link dev.sentinel.spi.FilterResponse}: a route's filter chain, request phase and response phase;</li>
 *   <li>{@link dev.sentinel.spi.Agent}, {@link dev.sentinel.spi.HeaderEdits}: inspection agents, run by
 *       the server under a timeout and a failure mode;</li>
 *   <li>{@link dev.sentinel.spi.Decision}: what a filter or agent decides: allow, deny, redirect, respond;</li>
 *   <li>{@link dev.sentinel.spi.Exchange}, {@link dev.sentinel.spi.ResponseHead}: the request and response
 *       as a plugin sees them.</li>
 * </ul>
 *
 * <p>How a plugin is written, built and installed: {@code docs/plugins.md}.
 */
package dev.sentinel.spi;

/**
 * The contract between Sentinel and its plugins. It holds no Jetty type and nothing of the server's
 * internals, so a plugin built against it survives Jetty upgrades and server refactorings. Built-in
 * implementations use the same contract.
 *
 * <ul>
 *   <li>{@link dev.sentinel.spi.PluginProvider}: the {@link java.util.ServiceLoader} entry point, one per
 *       plugin type, with its kinds ({@link dev.sentinel.spi.LoadBalancerProvider});</li>
 *   <li>{@link dev.sentinel.spi.PluginConfig} and {@link dev.sentinel.spi.ConfigException}: the plugin's
 *       configuration block, typed, with errors located at file:line;</li>
 *   <li>{@link dev.sentinel.spi.LoadBalancer}, {@link dev.sentinel.spi.Target},
 *       {@link dev.sentinel.spi.Outcome}: choosing targets and learning from exchanges;</li>
 *   <li>{@link dev.sentinel.spi.Exchange}: the request as a plugin sees it.</li>
 * </ul>
 *
 * <p>How a plugin is written, built and installed: {@code docs/plugins.md}.
 */
package dev.sentinel.spi;

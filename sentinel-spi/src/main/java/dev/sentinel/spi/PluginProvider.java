package dev.sentinel.spi;

import java.util.Set;

/**
 * The {@link java.util.ServiceLoader} entry point of a plugin: one provider per plugin type, found in
 * {@code META-INF/services/<the provider interface>} of a jar in {@code lib/} (built-ins) or
 * {@code plugins/} (each such jar in a class loader of its own).
 *
 * <p>A provider has a public no-arg constructor and is created once per process; it must be cheap to
 * construct and thread-safe. It is never used directly: implement one of its kinds, such as
 * {@link LoadBalancerProvider}.
 *
 * <p><b>Names.</b> {@link #type()} is what the configuration writes ({@code load-balancing "NAME"}). Names
 * are compared lower-case with hyphens and underscores alike, so {@code "least-connections"} selects the
 * type {@code least_connections}. A name already taken (by a built-in, or by a jar earlier in file-name
 * order) is refused and the later jar is skipped: a plugin cannot silently replace another. Third parties
 * should prefix their names ({@code acme_failover}).
 *
 * <p><b>Creation.</b> {@link #create} is called when the configuration is checked (by {@code sentinel
 * test}, at start and on every reload) and again for each configuration that goes live. It must validate
 * everything and acquire nothing: no threads, sockets or files held open.
 *
 * <pre>
 * public final class FailoverProvider implements LoadBalancerProvider {
 *     public String type() { return "acme_failover"; }
 *     public LoadBalancer create(PluginConfig config) throws ConfigException {
 *         return new Failover(config.integer("max-failures", 3, 1, 100));
 *     }
 * }
 * </pre>
 *
 * @param <T> what the provider creates
 */
public interface PluginProvider<T> {
    /** The name configurations use: lower-case letters, digits and underscores, starting with a letter. */
    String type();

    /** Further names accepted for this type (same rules as {@link #type()}); none by default. */
    default Set<String> aliases() {
        return Set.of();
    }

    /** One line for {@code sentinel plugins}; empty by default. */
    default String description() {
        return "";
    }

    /**
     * A new instance configured from its block. Unknown keys need no handling here: after this returns,
     * every key of the block that no {@link PluginConfig} method asked for is refused with its file:line.
     *
     * @throws ConfigException when a value is missing, malformed or out of range; it carries file:line
     */
    T create(PluginConfig config) throws ConfigException;
}

package dev.sentinel.spi;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A typed, read-only view of a plugin's configuration block: the children of
 * {@code load-balancing "TYPE" { … }}, each a {@code key value} node.
 *
 * <p>Every method that names a key declares it as one the plugin accepts. When
 * {@link PluginProvider#create} returns, any other key in the block is refused with its file:line and
 * the list of accepted keys, so a mistyped key never goes unnoticed. A key given twice is refused too.
 *
 * <p>Methods throw {@link ConfigException} (with the file:line of the offending value) when a key has the
 * wrong shape or type, or a value is out of range; a provider simply lets it propagate. For checks of its
 * own, a provider throws {@link #invalid}.
 *
 * <pre>
 * load-balancing "acme_failover" {
 *     max-failures 3
 *     cooldown "30s"
 * }
 *
 * int maxFailures = config.integer("max-failures", 3, 1, 100);
 * Duration cooldown = config.duration("cooldown", Duration.ofSeconds(10));
 * </pre>
 *
 * <p>Only valid during {@link PluginProvider#create}; do not keep it.
 */
public interface PluginConfig {
    /** The type as the configuration wrote it (before hyphens and underscores were made alike). */
    String type();

    /** Whether the block has the key. */
    boolean has(String key);

    /** The string value of {@code key}, or {@code fallback} when absent. */
    String string(String key, String fallback) throws ConfigException;

    /** Every argument of {@code key} ({@code methods "GET" "HEAD"}), each a string; empty when absent. */
    List<String> strings(String key) throws ConfigException;

    /**
     * A block of name-value pairs, in order, or an empty map when absent:
     * <pre>
     * set {
     *     "X-Frame-Options" "DENY"
     *     "Cache-Control" "no-store"
     * }
     * </pre>
     */
    Map<String, String> pairs(String key) throws ConfigException;

    /** A whole number within {@code [min, max]}, or {@code fallback} when absent. */
    int integer(String key, int fallback, int min, int max) throws ConfigException;

    /**
     * A byte count, or {@code fallback} when absent: a whole number, or a string with a unit
     * ({@code "512KB"}, {@code "10MB"}, {@code "1GiB"}; K/M/G are 1024-based).
     */
    long bytes(String key, long fallback) throws ConfigException;

    /**
     * A positive duration, or {@code fallback} when absent: a whole number of seconds, or a string of a
     * whole number and a unit: {@code "250ms"}, {@code "30s"}, {@code "5m"}, {@code "1h"}, {@code "1d"}.
     */
    Duration duration(String key, Duration fallback) throws ConfigException;

    /** {@code #true} or {@code #false}, or {@code fallback} when absent. */
    boolean bool(String key, boolean fallback) throws ConfigException;

    /**
     * Another plugin, named by the string value of {@code key} (or {@code fallbackType} when absent), of
     * the kind {@code providerType}, created with an empty block. Used to delegate: a sticky balancer
     * places new clients with its {@code fallback} balancer.
     *
     * <pre>
     * LoadBalancer fallback = config.plugin("fallback", LoadBalancerProvider.class, "round_robin");
     * </pre>
     *
     * @throws ConfigException when no such plugin is installed (the message lists those that are), or it
     *                         refuses an empty block
     */
    <T, P extends PluginProvider<T>> T plugin(String key, Class<P> providerType, String fallbackType)
            throws ConfigException;

    /**
     * An exception that locates {@code reason} at the value of {@code key}, or at the block itself when
     * the key is absent or {@code null}. For a provider's own checks:
     *
     * <pre>
     * if (min &gt; max) {
     *     throw config.invalid("min", "'min' must not exceed 'max'");
     * }
     * </pre>
     */
    ConfigException invalid(String key, String reason);
}

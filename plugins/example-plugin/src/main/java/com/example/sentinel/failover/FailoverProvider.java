package com.example.sentinel.failover;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.LoadBalancerProvider;
import dev.sentinel.spi.PluginConfig;
import java.time.Duration;

/**
 * The entry point Sentinel finds through {@code META-INF/services/dev.sentinel.spi.LoadBalancerProvider}.
 * It needs a public no-arg constructor; Sentinel makes one per process.
 *
 * <pre>
 * upstream "api" {
 *     target "10.0.0.1:8080"    // primary
 *     target "10.0.0.2:8080"    // backup
 *     load-balancing "example-failover" {
 *         max-failures 3         // consecutive upstream failures before a target is benched
 *         cooldown "30s"         // how long it stays benched
 *     }
 * }
 * </pre>
 */
public final class FailoverProvider implements LoadBalancerProvider {
    @Override
    public String type() {
        // Prefixed, so that it cannot collide with a built-in balancer added later.
        return "example_failover";
    }

    @Override
    public String description() {
        return "example plugin: all traffic to the first target that is not benched for failing";
    }

    @Override
    public LoadBalancer create(PluginConfig config) throws ConfigException {
        int maxFailures = config.integer("max-failures", 3, 1, 100);
        Duration cooldown = config.duration("cooldown", Duration.ofSeconds(30));
        if (cooldown.compareTo(Duration.ofDays(1)) > 0) {
            throw config.invalid("cooldown", "'cooldown' must be at most a day");
        }
        return new FailoverBalancer(maxFailures, cooldown);
    }
}

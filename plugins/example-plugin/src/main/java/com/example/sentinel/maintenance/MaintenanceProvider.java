package com.example.sentinel.maintenance;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.Filter;
import dev.sentinel.spi.FilterProvider;
import dev.sentinel.spi.PluginConfig;
import java.time.Duration;

/**
 * The entry point Sentinel finds through {@code META-INF/services/dev.sentinel.spi.FilterProvider}.
 *
 * <pre>
 * filters {
 *     filter "maintenance" {
 *         type "example-maintenance"
 *         bypass-header "X-Maintenance-Bypass"   // requests carrying this header still go through
 *         retry-after "10m"                      // told to everyone else
 *     }
 * }
 * routes { route "app" { filters "maintenance"; upstream "app" } }
 * </pre>
 */
public final class MaintenanceProvider implements FilterProvider {
    @Override
    public String type() {
        return "example_maintenance";
    }

    @Override
    public String description() {
        return "example plugin: answers 503 during maintenance, except to requests with a bypass header";
    }

    @Override
    public Filter create(PluginConfig config) throws ConfigException {
        String bypassHeader = config.string("bypass-header", "X-Maintenance-Bypass");
        Duration retryAfter = config.duration("retry-after", Duration.ofMinutes(5));
        if (bypassHeader.isBlank()) {
            throw config.invalid("bypass-header", "'bypass-header' must name a header");
        }
        return new MaintenanceFilter(bypassHeader, retryAfter);
    }
}

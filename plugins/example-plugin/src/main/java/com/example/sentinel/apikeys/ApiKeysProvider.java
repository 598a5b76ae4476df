package com.example.sentinel.apikeys;

import dev.sentinel.spi.Agent;
import dev.sentinel.spi.AgentProvider;
import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.PluginConfig;
import java.util.Map;

/**
 * The entry point Sentinel finds through {@code META-INF/services/dev.sentinel.spi.AgentProvider}.
 *
 * <pre>
 * agents {
 *     agent "keys" type="example_api_keys" {
 *         timeout-ms 50              // read by Sentinel, like events and failure-mode
 *         keys {                     // the agent's own setting: API key, then client name
 *             "k-3f9a" "billing"
 *             "k-77c2" "reports"
 *         }
 *     }
 * }
 * filters { filter "api-keys" { type "agent"; agent "keys" } }
 * </pre>
 */
public final class ApiKeysProvider implements AgentProvider {
    @Override
    public String type() {
        return "example_api_keys";
    }

    @Override
    public String description() {
        return "example plugin: requests need a known X-Api-Key; the upstream learns the client's name";
    }

    @Override
    public Agent create(PluginConfig config) throws ConfigException {
        Map<String, String> keys = config.pairs("keys");
        if (keys.isEmpty()) {
            throw config.invalid("keys", "'keys' lists at least one API key and its client: keys { \"KEY\" \"client\" }");
        }
        return new ApiKeysAgent(keys);
    }
}

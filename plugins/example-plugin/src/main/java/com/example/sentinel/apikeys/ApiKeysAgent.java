package com.example.sentinel.apikeys;

import dev.sentinel.spi.Agent;
import dev.sentinel.spi.Decision;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.HeaderEdits;
import java.util.Map;

/**
 * Lets through requests whose {@code X-Api-Key} is a known key, telling the upstream which client sent
 * them ({@code X-Api-Client}); answers every other request 401. The client's own {@code X-Api-Client}
 * never reaches the upstream.
 *
 * <p>Sentinel calls it on a virtual thread of its own for each request, under the agent's timeout: it
 * keeps no per-request state, and its key map is immutable.
 */
final class ApiKeysAgent implements Agent {
    private final Map<String, String> clientsByKey;

    ApiKeysAgent(Map<String, String> clientsByKey) {
        this.clientsByKey = Map.copyOf(clientsByKey);
    }

    @Override
    public Decision onRequestHeaders(Exchange request, HeaderEdits edits) {
        String key = request.header("X-Api-Key");
        String client = key == null ? null : clientsByKey.get(key);
        if (client == null) {
            return Decision.deny(401, "a valid API key is required").withHeader("WWW-Authenticate", "ApiKey");
        }
        edits.setRequestHeader("X-Api-Client", client);
        edits.removeRequestHeader("X-Api-Key");
        return Decision.allow();
    }
}

package dev.sentinel.balancers;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.PluginConfig;
import java.util.Locale;
import java.util.function.Function;

/**
 * What a hashing balancer hashes, from its {@code key} setting: {@code "client-ip"} (the default),
 * {@code "header:NAME"}, {@code "cookie:NAME"} or {@code "path"}. A request without the header or cookie
 * is placed by its client address instead, so it still lands somewhere stable.
 */
final class HashKey {
    static final String ACCEPTED = "\"client-ip\", \"header:NAME\", \"cookie:NAME\" or \"path\"";

    private HashKey() {
    }

    static Function<Exchange, String> clientIp() {
        return Exchange::clientAddress;
    }

    static Function<Exchange, String> from(PluginConfig config) throws ConfigException {
        String spec = config.string("key", "client-ip");
        int colon = spec.indexOf(':');
        String kind = (colon < 0 ? spec : spec.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        String name = colon < 0 ? "" : spec.substring(colon + 1).trim();
        switch (kind) {
            case "client-ip", "client_ip", "ip" -> {
                if (colon < 0) {
                    return clientIp();
                }
            }
            case "path" -> {
                if (colon < 0) {
                    return Exchange::path;
                }
            }
            case "header" -> {
                if (!name.isEmpty()) {
                    return exchange -> orClientIp(exchange.header(name), exchange);
                }
            }
            case "cookie" -> {
                if (!name.isEmpty()) {
                    return exchange -> orClientIp(exchange.cookie(name), exchange);
                }
            }
            default -> {
            }
        }
        throw config.invalid("key", "'key' takes " + ACCEPTED + ", not \"" + spec + "\"");
    }

    private static String orClientIp(String value, Exchange exchange) {
        return value == null || value.isEmpty() ? exchange.clientAddress() : value;
    }
}

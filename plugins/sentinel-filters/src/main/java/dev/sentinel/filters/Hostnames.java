package dev.sentinel.filters;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.PluginConfig;

/** A configured host name: letters, digits, {@code -}, {@code .}, or a bracketed IPv6 literal. */
final class Hostnames {
    private Hostnames() {
    }

    /** The host name of {@code key}, or {@code null} when absent. */
    static String read(PluginConfig config, String key) throws ConfigException {
        String host = config.string(key, null);
        if (host == null) {
            return null;
        }
        boolean ipv6 = host.length() > 2 && host.startsWith("[") && host.endsWith("]");
        String body = ipv6 ? host.substring(1, host.length() - 1) : host;
        boolean ok = !body.isEmpty();
        for (int i = 0; i < body.length() && ok; i++) {
            char c = body.charAt(i);
            ok = Character.isLetterOrDigit(c) && c < 0x80 || c == '-' || c == '.' || (ipv6 && c == ':');
        }
        if (!ok) {
            throw config.invalid(key, "'" + key + "' is a host name without port or scheme: \"" + host + "\"");
        }
        return host;
    }
}

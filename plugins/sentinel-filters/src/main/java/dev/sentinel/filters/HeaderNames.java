package dev.sentinel.filters;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.PluginConfig;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;

/**
 * Config-time checks of the header names and values a filter will write, so that a mistake is a
 * {@code sentinel test} error at its line rather than a 500 on every request (the server refuses the same
 * headers at run time).
 */
final class HeaderNames {
    /** Framing and hop-by-hop headers: only the server writes them. */
    private static final Set<String> RESERVED = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "content-length");

    private HeaderNames() {
    }

    /** Checks every name (and value, when given) read from {@code key}. */
    static void check(PluginConfig config, String key, Collection<String> names) throws ConfigException {
        for (String name : names) {
            String why = problem(name);
            if (why != null) {
                throw config.invalid(key, "'" + key + "': " + why);
            }
        }
    }

    static void checkValues(PluginConfig config, String key, Collection<String> values) throws ConfigException {
        for (String value : values) {
            if (!isValue(value)) {
                throw config.invalid(key, "'" + key + "': the value \"" + value + "\" holds a control character");
            }
        }
    }

    /** Why {@code name} cannot be written, or {@code null} when it can. */
    static String problem(String name) {
        if (!isToken(name)) {
            return "\"" + name + "\" is not a header name";
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (RESERVED.contains(lower) || lower.startsWith("proxy-")) {
            return "the header \"" + name + "\" belongs to the connection and cannot be changed by a filter";
        }
        return null;
    }

    static boolean isToken(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Tabs and visible characters only: no CR, LF, NUL or other controls. */
    static boolean isValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}

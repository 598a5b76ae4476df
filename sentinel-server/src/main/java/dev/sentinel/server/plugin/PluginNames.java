package dev.sentinel.server.plugin;

import java.util.Locale;
import java.util.regex.Pattern;

/** How plugin type names are written and compared: lower-case, hyphens and underscores alike. */
public final class PluginNames {
    private static final Pattern VALID = Pattern.compile("[a-z][a-z0-9_]*");

    private PluginNames() {
    }

    /** {@code "Least-Connections"} → {@code "least_connections"}. */
    public static String normalise(String name) {
        return name.toLowerCase(Locale.ROOT).replace('-', '_');
    }

    /** Whether a provider may declare {@code name} as its type or an alias. */
    static boolean valid(String name) {
        return name != null && VALID.matcher(name).matches();
    }
}

package dev.sentinel.filters;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.PluginConfig;

/**
 * The new path of {@code redirect} and {@code url-rewrite}, as in Gateway API's {@code HTTPPathModifier}:
 * {@code replace-full-path "/new"} or {@code replace-prefix-match "/new"}.
 */
sealed interface PathModifier {
    /** Leaves the path alone. */
    PathModifier NONE = new Keep();

    /**
     * The path for a request, or {@code null} when the request's raw path does not start with the matched
     * prefix (it was matched in a differently encoded form), so the prefix cannot be replaced safely.
     *
     * @param path          the request's path, percent-encoded as sent
     * @param matchedPrefix the route's {@code path-prefix} that matched, or {@code null}
     */
    String apply(String path, String matchedPrefix);

    /** Reads {@code replace-full-path} or {@code replace-prefix-match}; at most one of them. */
    static PathModifier read(PluginConfig config) throws ConfigException {
        String full = config.string("replace-full-path", null);
        String prefix = config.string("replace-prefix-match", null);
        if (full != null && prefix != null) {
            throw config.invalid("replace-prefix-match",
                    "give either 'replace-full-path' or 'replace-prefix-match', not both");
        }
        if (full != null) {
            checkPath(config, "replace-full-path", full, false);
            return new ReplaceFullPath(full);
        }
        if (prefix != null) {
            checkPath(config, "replace-prefix-match", prefix, true);
            return new ReplacePrefixMatch(prefix);
        }
        return NONE;
    }

    private static void checkPath(PluginConfig config, String key, String path, boolean mayBeEmpty)
            throws ConfigException {
        if (path.isEmpty() ? !mayBeEmpty : !path.startsWith("/")) {
            throw config.invalid(key, "'" + key + "' is an absolute path starting with '/': \"" + path + "\"");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#') {
                throw config.invalid(key, "'" + key + "' holds '" + c + "' (write a percent-encoded path without"
                        + " a query): \"" + path + "\"");
            }
        }
    }

    record Keep() implements PathModifier {
        @Override
        public String apply(String path, String matchedPrefix) {
            return path;
        }
    }

    record ReplaceFullPath(String value) implements PathModifier {
        @Override
        public String apply(String path, String matchedPrefix) {
            return value;
        }
    }

    /**
     * Replaces the matched prefix, keeping what follows it, by Gateway API's table: prefix {@code /foo}
     * with {@code /xyz} turns {@code /foo/bar} into {@code /xyz/bar} and {@code /foo} into {@code /xyz};
     * with {@code ""} or {@code "/"}, {@code /foo} becomes {@code /}. A route matched otherwise than by
     * prefix counts as prefix {@code /}, as in Zentinel. (Zentinel turns {@code /foo} into {@code /xyz/};
     * Sentinel follows Gateway API there.)
     */
    record ReplacePrefixMatch(String value) implements PathModifier {
        @Override
        public String apply(String path, String matchedPrefix) {
            String prefix = trimSlash(matchedPrefix == null ? "/" : matchedPrefix);
            if (!path.startsWith(prefix) || (path.length() > prefix.length() && path.charAt(prefix.length()) != '/')) {
                return null;
            }
            String replaced = trimSlash(value) + path.substring(prefix.length());
            return replaced.isEmpty() ? "/" : replaced;
        }

        private static String trimSlash(String s) {
            return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
        }
    }
}

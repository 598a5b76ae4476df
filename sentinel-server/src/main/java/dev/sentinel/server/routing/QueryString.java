package dev.sentinel.server.routing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Looks up parameters in a raw query string without building a map. */
final class QueryString {
    private QueryString() {
    }

    /** True when {@code name} occurs, with a value equal to {@code value} unless that is {@code null}. */
    static boolean has(String query, String name, String value) {
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) {
                end = query.length();
            }
            int eq = query.indexOf('=', start);
            boolean hasValue = eq >= 0 && eq < end;
            String key = decode(query.substring(start, hasValue ? eq : end));
            if (key.equals(name) && (value == null || value.equals(hasValue ? decode(query.substring(eq + 1, end)) : ""))) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}

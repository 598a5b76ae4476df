package dev.sentinel.server.config.kdl;

import java.util.regex.Pattern;

/** RFC 9110 tokens: what header names and method names may be made of. */
final class HttpTokens {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private HttpTokens() {
    }

    static boolean isToken(String text) {
        return TOKEN.matcher(text).matches();
    }
}

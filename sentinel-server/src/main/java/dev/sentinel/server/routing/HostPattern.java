package dev.sentinel.server.routing;

import java.util.regex.Pattern;

/**
 * A route's {@code host} condition: an exact name, a {@code *.suffix} wildcard, or (Zentinel's rule:
 * with {@code *} or {@code [} anywhere else) a regex. Hosts are compared lower-case, without port.
 */
public sealed interface HostPattern {
    boolean matches(String host);

    /** @throws java.util.regex.PatternSyntaxException when a regex pattern does not compile */
    static HostPattern of(String pattern) {
        if (pattern.startsWith("*.")) {
            return new Wildcard(pattern.substring(1));
        }
        if (pattern.indexOf('*') >= 0 || pattern.indexOf('[') >= 0) {
            return new Regex(Pattern.compile(pattern, Pattern.CASE_INSENSITIVE));
        }
        return new Exact(pattern);
    }

    record Exact(String name) implements HostPattern {
        public boolean matches(String host) {
            return name.equals(host);
        }
    }

    /** {@code suffix} keeps its leading dot: {@code *.example.com} needs at least one more label. */
    record Wildcard(String suffix) implements HostPattern {
        public boolean matches(String host) {
            return host.length() > suffix.length() && host.endsWith(suffix);
        }
    }

    record Regex(Pattern pattern) implements HostPattern {
        public boolean matches(String host) {
            return pattern.matcher(host).find();
        }
    }
}

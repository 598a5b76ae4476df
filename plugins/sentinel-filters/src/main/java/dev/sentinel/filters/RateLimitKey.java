package dev.sentinel.filters;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.FilterRequest;
import dev.sentinel.spi.PluginConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * What a rate limit counts by: {@code key "client-ip"} (the default), {@code "path"}, {@code "route"},
 * {@code "client-ip-and-path"} or {@code "header:NAME"}.
 */
sealed interface RateLimitKey {
    /** Keys longer than this are stored as a digest, so that a key table entry stays small. */
    int MAX_STORED_LENGTH = 128;

    /** The key of this request, at most {@link #MAX_STORED_LENGTH} characters. */
    String of(FilterRequest request);

    /** How the configuration wrote it, for log lines. */
    String describe();

    static RateLimitKey read(PluginConfig config) throws ConfigException {
        String key = config.string("key", "client-ip");
        switch (key) {
            case "client-ip":
                return new ClientIp();
            case "path":
                return new Path();
            case "route":
                return new Route();
            case "client-ip-and-path":
                return new ClientIpAndPath();
            default:
                if (key.startsWith("header:") && HeaderNames.isToken(key.substring("header:".length()))) {
                    return new Header(key.substring("header:".length()));
                }
                throw config.invalid("key", "'key' is \"client-ip\", \"path\", \"route\", \"client-ip-and-path\""
                        + " or \"header:NAME\", not \"" + key + "\"");
        }
    }

    /** {@code value} itself, or a SHA-256 of it when it is too long to keep as it is. */
    static String bounded(String value) {
        if (value.length() <= MAX_STORED_LENGTH) {
            return value;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    record ClientIp() implements RateLimitKey {
        public String of(FilterRequest request) {
            return request.clientAddress();
        }

        public String describe() {
            return "client-ip";
        }
    }

    record Path() implements RateLimitKey {
        public String of(FilterRequest request) {
            return bounded(request.path());
        }

        public String describe() {
            return "path";
        }
    }

    record Route() implements RateLimitKey {
        public String of(FilterRequest request) {
            return request.routeId();
        }

        public String describe() {
            return "route";
        }
    }

    /** The address and the path, joined by a space, which neither can hold. */
    record ClientIpAndPath() implements RateLimitKey {
        public String of(FilterRequest request) {
            return bounded(request.clientAddress() + " " + request.path());
        }

        public String describe() {
            return "client-ip-and-path";
        }
    }

    /** The header's first value; requests without the header share one bucket (as in Zentinel). */
    record Header(String name) implements RateLimitKey {
        public String of(FilterRequest request) {
            String value = request.header(name);
            return value == null ? "" : bounded(value);
        }

        public String describe() {
            return "header:" + name;
        }
    }
}

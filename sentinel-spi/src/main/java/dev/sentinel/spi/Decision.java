package dev.sentinel.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link Filter} or an {@link Agent} decides about a request: let it go on, or answer it here.
 *
 * <p>{@link Allow} lets the request continue to the next filter and on to the upstream. The other three
 * answer the client at once; the rest of the chain and the upstream never see the request:
 * <ul>
 *   <li>{@link Deny}: an error ({@code 4xx}/{@code 5xx}) with Sentinel's JSON error body, which carries the
 *       reason and the trace id;</li>
 *   <li>{@link Redirect}: a {@code 3xx} with a {@code Location};</li>
 *   <li>{@link Respond}: any reply spelled out in full, such as a CORS preflight's {@code 204}.</li>
 * </ul>
 *
 * <pre>
 * return Decision.deny(429, "rate limit exceeded").withHeader("Retry-After", "1");
 * </pre>
 */
public sealed interface Decision permits Decision.Allow, Decision.Deny, Decision.Redirect, Decision.Respond {

    /** Go on. */
    static Allow allow() {
        return Allow.INSTANCE;
    }

    /** An error reply; {@code reason} is a short, client-safe text placed in the JSON error body. */
    static Deny deny(int status, String reason) {
        return new Deny(status, reason, Map.of());
    }

    /** A redirect to {@code location} (an absolute URL or an absolute path). */
    static Redirect redirect(int status, String location) {
        return new Redirect(status, location);
    }

    /** A reply with exactly this status, these headers and this body ({@code null} for none). */
    static Respond respond(int status, Map<String, String> headers, String contentType, byte[] body) {
        return new Respond(status, headers, contentType, body);
    }

    /** Let the request go on. */
    final class Allow implements Decision {
        private static final Allow INSTANCE = new Allow();

        private Allow() {
        }

        @Override
        public String toString() {
            return "Allow";
        }
    }

    /**
     * Answer with an error.
     *
     * @param status  400–599
     * @param reason  short, client-safe; never an exception message
     * @param headers extra response headers ({@code Retry-After}), in order
     */
    record Deny(int status, String reason, Map<String, String> headers) implements Decision {
        public Deny {
            Decision.checkStatus(status, 400, 599);
            Objects.requireNonNull(reason, "reason");
            headers = Decision.copy(headers);
        }

        /** This decision with one more response header. */
        public Deny withHeader(String name, String value) {
            return new Deny(status, reason, Decision.with(headers, name, value));
        }
    }

    /**
     * Answer with a redirect.
     *
     * @param status   301, 302, 303, 307 or 308
     * @param location where to; must not contain CR, LF or NUL
     */
    record Redirect(int status, String location) implements Decision {
        public Redirect {
            if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
                throw new IllegalArgumentException("a redirect status is 301, 302, 303, 307 or 308, not " + status);
            }
            Decision.checkValue(Objects.requireNonNull(location, "location"));
        }
    }

    /**
     * Answer with exactly this reply.
     *
     * @param status      200–599
     * @param headers     response headers, in order
     * @param contentType the body's media type, or {@code null} when there is no body
     * @param body        the body, or {@code null} for none
     */
    record Respond(int status, Map<String, String> headers, String contentType, byte[] body) implements Decision {
        public Respond {
            Decision.checkStatus(status, 200, 599);
            headers = Decision.copy(headers);
            if (body != null && contentType == null) {
                throw new IllegalArgumentException("a body needs a content type");
            }
        }
    }

    private static void checkStatus(int status, int min, int max) {
        if (status < min || status > max) {
            throw new IllegalArgumentException("status must be between " + min + " and " + max + ", not " + status);
        }
    }

    private static void checkValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("header values may not hold CR, LF or NUL");
            }
        }
    }

    private static Map<String, String> copy(Map<String, String> headers) {
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            checkValue(name);
            checkValue(value);
            copy.put(name, value);
        });
        return java.util.Collections.unmodifiableMap(copy);
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return more;
    }
}

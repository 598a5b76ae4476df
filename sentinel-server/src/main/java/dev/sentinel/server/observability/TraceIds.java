package dev.sentinel.server.observability;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.http.HttpFields;

/**
 * The trace id of a request: the first of {@code X-Trace-Id}, {@code X-Correlation-Id},
 * {@code X-Request-Id} that the client sent, when it is a sane token; else a new random id.
 */
public final class TraceIds {
    private static final String[] INCOMING = {"X-Trace-Id", "X-Correlation-Id", "X-Request-Id"};
    private static final int MAX_LENGTH = 128;
    private static final HexFormat HEX = HexFormat.of();

    private TraceIds() {
    }

    public static String of(HttpFields requestHeaders) {
        for (String name : INCOMING) {
            String value = requestHeaders.get(name);
            if (value != null && isSafe(value)) {
                return value;
            }
        }
        return generate();
    }

    /** 128 random bits as 32 hex digits, the W3C trace-id shape. */
    static String generate() {
        byte[] bits = new byte[16];
        ThreadLocalRandom.current().nextBytes(bits);
        return HEX.formatHex(bits);
    }

    /** Ids are echoed into headers and logs, so only short runs of visible, unambiguous characters pass. */
    private static boolean isSafe(String value) {
        if (value.isEmpty() || value.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == ':';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}

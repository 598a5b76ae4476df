package dev.sentinel.server.observability;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.http.HttpFields;

/**
 * The trace id of a request: the first of {@code X-Trace-Id}, {@code X-Correlation-Id},
 * {@code X-Request-Id} that the client sent, when it is a sane token; else a new random id.
 */
public final class TraceIds {
    private static final String[] INCOMING = {"X-Trace-Id", "X-Correlation-Id", "X-Request-Id"};
    private static final int MAX_LENGTH = 128;
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(StandardCharsets.ISO_8859_1);

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

    /** 128 random bits as 32 hex digits, the W3C trace-id shape; built in one buffer (once per request). */
    static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] digits = new byte[32];
        hex(random.nextLong(), digits, 0);
        hex(random.nextLong(), digits, 16);
        return new String(digits, StandardCharsets.ISO_8859_1);
    }

    private static void hex(long value, byte[] digits, int offset) {
        for (int i = offset + 15; i >= offset; i--) {
            digits[i] = HEX_DIGITS[(int) (value & 0xF)];
            value >>>= 4;
        }
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

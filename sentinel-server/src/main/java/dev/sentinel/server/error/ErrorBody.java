package dev.sentinel.server.error;

import dev.sentinel.server.log.JsonLine;
import java.nio.charset.StandardCharsets;

/**
 * The JSON body of every response Sentinel itself refuses or fails:
 * <pre>{"error":"upstream unavailable","status":502,"trace_id":"4bf92f35..."}</pre>
 * Reasons are fixed, client-safe phrases; exception text never reaches a client.
 */
public final class ErrorBody {
    public static final String CONTENT_TYPE = "application/json";

    private ErrorBody() {
    }

    public static byte[] json(int status, String traceId) {
        return json(status, reason(status), traceId);
    }

    /** With a reason of the caller's, such as a filter's; escaped, so any text stays one JSON string. */
    public static byte[] json(int status, String reason, String traceId) {
        return new JsonLine().field("error", reason).field("status", status).field("trace_id", traceId).end()
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The client-safe reason for a status Sentinel produces. */
    public static String reason(int status) {
        return switch (status) {
            case 400 -> "bad request";
            case 404 -> "no route matches this request";
            case 405 -> "method not allowed";
            case 408 -> "request timeout";
            case 413 -> "request body too large";
            case 414 -> "request URI too long";
            case 417 -> "expectation failed";
            case 431 -> "request header fields too large";
            case 501 -> "not implemented";
            case 502 -> "upstream unavailable";
            case 503 -> "service unavailable";
            case 504 -> "upstream timed out";
            case 505 -> "HTTP version not supported";
            default -> status >= 500 ? "internal error" : "request refused";
        };
    }
}

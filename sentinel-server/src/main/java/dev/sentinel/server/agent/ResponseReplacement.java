package dev.sentinel.server.agent;

import dev.sentinel.server.error.ErrorBody;
import dev.sentinel.server.filter.Replies;
import dev.sentinel.spi.Decision;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;

/**
 * An agent's answer to an upstream's response head: a deny, redirect or reply that the client gets
 * instead of the upstream's response (nothing of which is sent). The agent filter records it on the
 * request in its response phase ({@link Replies#replace}); the forwarding engine then aborts the upstream
 * response and writes this in its place. Sentinel's own replies are replaced by the filter chain.
 */
public final class ResponseReplacement {
    /** The failure the upstream response is aborted with: the agent's decision, not the upstream's fault. */
    public static final class Replaced extends Exception {
        Replaced() {
            super("an agent replaced the upstream response", null, false, false);
        }
    }

    private ResponseReplacement() {
    }

    /** The replacement an agent decided for this request's response, or {@code null}. */
    public static Decision of(HttpServletRequest clientRequest) {
        return (Decision) clientRequest.getAttribute(Replies.REPLACEMENT_ATTRIBUTE);
    }

    /** Aborts the upstream response with this, so that the replacement is written in its place. */
    public static Replaced abortCause() {
        return new Replaced();
    }

    /** Writes {@code decision} as the whole response; the caller completes the request. */
    public static void write(Decision decision, HttpServletResponse proxyResponse, String traceId) throws IOException {
        byte[] body;
        switch (decision) {
            case Decision.Deny deny -> {
                proxyResponse.setStatus(deny.status());
                addAll(deny.headers(), proxyResponse);
                proxyResponse.setContentType(ErrorBody.CONTENT_TYPE);
                body = ErrorBody.json(deny.status(), deny.reason(), traceId);
            }
            case Decision.Redirect redirect -> {
                proxyResponse.setStatus(redirect.status());
                proxyResponse.setHeader(HttpHeader.LOCATION.asString(), redirect.location());
                body = new byte[0];
            }
            case Decision.Respond respond -> {
                proxyResponse.setStatus(respond.status());
                addAll(respond.headers(), proxyResponse);
                if (respond.body() != null) {
                    proxyResponse.setContentType(respond.contentType());
                }
                body = respond.body() == null ? new byte[0] : respond.body();
            }
            case Decision.Allow allow -> throw new IllegalArgumentException("allow replaces nothing");
        }
        proxyResponse.setContentLength(body.length);
        proxyResponse.getOutputStream().write(body);
    }

    private static void addAll(Map<String, String> headers, HttpServletResponse proxyResponse) {
        headers.forEach(proxyResponse::addHeader);
    }
}

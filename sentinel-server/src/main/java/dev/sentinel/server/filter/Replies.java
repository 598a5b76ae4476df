package dev.sentinel.server.filter;

import dev.sentinel.server.error.ErrorBody;
import dev.sentinel.spi.Decision;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/** Writes a filter's or agent's decision as the reply to the client. */
public final class Replies {
    /**
     * The request attribute holding the reply that replaces a request's response, decided in a response
     * phase. Whoever writes the response reads it: {@link FilterChain.Run#beforeCommit} for Sentinel's own
     * replies, the forwarding engine for the upstream's.
     */
    public static final String REPLACEMENT_ATTRIBUTE = Replies.class.getName() + ".replacement";

    private Replies() {
    }

    /** Records {@code decision} (anything but allow) as the reply that replaces the request's response. */
    public static void replace(Request request, Decision decision) {
        if (decision instanceof Decision.Allow) {
            throw new IllegalArgumentException("allow replaces nothing");
        }
        request.setAttribute(REPLACEMENT_ATTRIBUTE, decision);
    }

    /** The reply recorded to replace the request's response, or {@code null}. */
    public static Decision replacement(Request request) {
        return (Decision) request.getAttribute(REPLACEMENT_ATTRIBUTE);
    }

    /**
     * Checks a plugin's reply before it is used: its headers follow {@link HeaderRules}, and a 204 or 304
     * has no body.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static void validate(Decision decision) {
        switch (decision) {
            case Decision.Deny deny -> deny.headers().forEach(HeaderRules::check);
            case Decision.Respond respond -> {
                respond.headers().forEach(HeaderRules::check);
                if (respond.body() != null && (respond.status() == 204 || respond.status() == 304)) {
                    throw new IllegalArgumentException("a " + respond.status() + " reply has no body");
                }
            }
            case Decision.Redirect redirect -> {
            }
            case Decision.Allow allow -> {
            }
        }
    }

    /** Answers {@code decision} (anything but allow) and completes {@code callback}. */
    public static void write(Decision decision, Response response, Callback callback, String traceId) {
        switch (decision) {
            case Decision.Deny deny -> {
                response.setStatus(deny.status());
                deny.headers().forEach(response.getHeaders()::add);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, ErrorBody.CONTENT_TYPE);
                response.write(true, ByteBuffer.wrap(ErrorBody.json(deny.status(), deny.reason(), traceId)), callback);
            }
            case Decision.Redirect redirect -> {
                response.setStatus(redirect.status());
                response.getHeaders().put(HttpHeader.LOCATION, redirect.location());
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
                response.write(true, BufferUtil.EMPTY_BUFFER, callback);
            }
            case Decision.Respond respond -> {
                response.setStatus(respond.status());
                respond.headers().forEach(response.getHeaders()::add);
                if (respond.body() == null) {
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
                    response.write(true, BufferUtil.EMPTY_BUFFER, callback);
                } else {
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, respond.contentType());
                    response.write(true, ByteBuffer.wrap(respond.body()), callback);
                }
            }
            case Decision.Allow allow -> throw new IllegalArgumentException("allow is not a reply");
        }
    }
}

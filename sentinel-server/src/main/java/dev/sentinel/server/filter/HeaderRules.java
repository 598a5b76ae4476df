package dev.sentinel.server.filter;

import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.server.Response;

/** What a plugin may name and write as a header: the one place these rules live. */
public final class HeaderRules {
    /** Headers that frame a message or belong to one connection: only Sentinel sets them. */
    private static final Set<String> FRAMING = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "content-length");

    private HeaderRules() {
    }

    /**
     * Checks a header a plugin changes on a request or a response.
     *
     * @throws IllegalArgumentException when the name is not an HTTP token or is a framing or hop-by-hop
     *                                  header, or the value holds CR, LF or NUL
     */
    public static void check(String name, String value) {
        if (!isToken(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a header name");
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (FRAMING.contains(lower) || lower.startsWith("proxy-")) {
            throw new IllegalArgumentException("a plugin may not change the header '" + name + "'");
        }
        if (value != null) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\r' || c == '\n' || c == 0) {
                    throw new IllegalArgumentException("header '" + name + "' holds CR, LF or NUL");
                }
            }
        }
    }

    /**
     * {@code Exchange.addResponseHeader} on Jetty's response: checked ({@link #checkAddedResponseHeader}), then
     * added to the fields verbatim, as an upstream's {@code Set-Cookie} is.
     *
     * @throws IllegalStateException when the response is already committed
     */
    static void addResponseHeader(Response response, String name, String value) {
        checkAddedResponseHeader(name, value);
        checkNotCommitted(response);
        response.getHeaders().add(name, value);
    }

    /**
     * {@code Exchange.setResponseHeader} on Jetty's response: checked as an added header is, then put in place
     * of any value already there. Keeping the upstream's value out is the caller's part.
     *
     * @throws IllegalStateException when the response is already committed
     */
    static void setResponseHeader(Response response, String name, String value) {
        checkAddedResponseHeader(name, value);
        checkNotCommitted(response);
        response.getHeaders().put(name, value);
    }

    private static void checkNotCommitted(Response response) {
        if (response.isCommitted()) {
            throw new IllegalStateException("the response is already committed");
        }
    }

    /**
     * Checks a header a plugin adds to the response through {@code Exchange.addResponseHeader}: beyond
     * {@link #check}, the body's type and the host are not an add-on's to repeat.
     */
    public static void checkAddedResponseHeader(String name, String value) {
        check(name, value);
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("content-type") || lower.equals("host")) {
            throw new IllegalArgumentException("a plugin may not add the response header '" + name + "'");
        }
    }

    static boolean isToken(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}

package dev.sentinel.server.forward;

import dev.sentinel.server.filter.HeaderRules;
import dev.sentinel.spi.Exchange;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.ee10.servlet.ServletContextResponse;

/** A plugin's view of a servlet request ({@link Exchange}); confined to the request's thread. */
final class ServletExchange implements Exchange {
    private final HttpServletRequest request;
    private final String routeId;
    private final String upstreamId;

    ServletExchange(HttpServletRequest request, String routeId, String upstreamId) {
        this.request = request;
        this.routeId = routeId;
        this.upstreamId = upstreamId;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        return request.getRequestURI();
    }

    @Override
    public String query() {
        return request.getQueryString();
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public List<String> headers(String name) {
        return Collections.list(request.getHeaders(name));
    }

    /**
     * Read from the {@code Cookie} headers directly ({@code name=value} pairs separated by {@code ;}), so
     * that a malformed cookie elsewhere in the header, which the servlet parser may refuse, cannot fail the
     * lookup of this one.
     */
    @Override
    public String cookie(String name) {
        Enumeration<String> headers = request.getHeaders("Cookie");
        while (headers.hasMoreElements()) {
            for (String pair : headers.nextElement().split(";")) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).trim().equals(name)) {
                    String value = pair.substring(equals + 1).trim();
                    boolean quoted = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"");
                    return quoted ? value.substring(1, value.length() - 1) : value;
                }
            }
        }
        return null;
    }

    @Override
    public String clientAddress() {
        return request.getRemoteAddr();
    }

    @Override
    public String routeId() {
        return routeId;
    }

    @Override
    public String upstreamId() {
        return upstreamId;
    }

    /**
     * Added to the Jetty response's fields directly, as the upstream's {@code Set-Cookie} is: the servlet
     * API would parse and re-serialise a cookie.
     */
    @Override
    public void addResponseHeader(String name, String value) {
        HeaderRules.checkAddedResponseHeader(name, value);
        ServletContextResponse response = ServletContextRequest.getServletContextRequest(request)
                .getServletContextResponse();
        if (response.isCommitted()) {
            throw new IllegalStateException("the response is already committed");
        }
        response.getHeaders().add(name, value);
    }
}

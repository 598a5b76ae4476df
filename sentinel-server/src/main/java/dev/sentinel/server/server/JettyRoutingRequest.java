package dev.sentinel.server.server;

import dev.sentinel.server.routing.RoutingRequest;
import java.util.Locale;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Request;

/** A core Jetty request seen by the route table. */
record JettyRoutingRequest(Request request) implements RoutingRequest {
    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String host() {
        String host = Request.getServerName(request);
        return host == null ? "" : host.toLowerCase(Locale.ROOT);
    }

    @Override
    public String path() {
        String path = request.getHttpURI().getCanonicalPath();
        return path == null || path.isEmpty() ? "/" : path;
    }

    @Override
    public String query() {
        return request.getHttpURI().getQuery();
    }

    @Override
    public boolean hasHeader(String name, String value) {
        for (HttpField field : request.getHeaders()) {
            if (field.is(name) && (value == null || value.equals(field.getValue()))) {
                return true;
            }
        }
        return false;
    }
}

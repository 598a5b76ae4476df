package dev.sentinel.server.listener;

import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;

/**
 * How strictly HTTP/1 requests are parsed on every listener (RFC 9112 / RFC 9110). A proxy must read a
 * request exactly one way: any leniency here is a place where Sentinel and an upstream could disagree on
 * where a request ends. Jetty answers what it refuses with 400 (414 for a request line over the header-size
 * limit, 431 for the header section, 505 for an unknown version) and closes the connection; what it accepts
 * but Sentinel still refuses is in {@code limits.RequestFraming}.
 */
final class HttpCompliancePolicy {
    private HttpCompliancePolicy() {
    }

    static void configure(HttpConfiguration http) {
        // STRICT allows no violation at all. Jetty's default, RFC9110, differs only in accepting a bare LF as
        // a line end (LF_HEADER_TERMINATION): RFC 9112 §2.2 makes that optional, and a server that splits
        // lines differently from the upstream behind it is how header injection through a lone LF works. The
        // violations STRICT keeps refused include obs-fold (MULTILINE_FIELD_VALUE), whitespace before the
        // colon, a line without a colon, several Content-Length values, Transfer-Encoding with
        // Content-Length, several Host fields, an unsafe Host, and HTTP/0.9.
        http.setHttpCompliance(HttpCompliance.STRICT);
        // RFC3986 allows no URI violation: ambiguous paths (encoded "/" or ".", "//", path parameters on dot
        // segments) are refused with 400 rather than normalised one way here and another way upstream, and
        // a fragment or user-info in the request target is refused too.
        http.setUriCompliance(UriCompliance.RFC3986);
    }

    /**
     * h2c by prior knowledge only ({@code PRI * HTTP/2.0}). Jetty performs an HTTP/1.1 {@code Upgrade: h2c}
     * itself, before any handler runs; refusing it here serves the request as the HTTP/1.1 it is, and the
     * forwarding engine drops {@code Upgrade} and {@code HTTP2-Settings}. RFC 9113 §3.1 deprecates that
     * upgrade, and a proxy that honours it is how h2c smuggling starts.
     */
    static HTTP2CServerConnectionFactory h2cWithoutUpgrade(HttpConfiguration http) {
        return new HTTP2CServerConnectionFactory(http) {
            @Override
            public Connection upgradeConnection(Connector connector, EndPoint endPoint, MetaData.Request request,
                                                HttpFields.Mutable response101) {
                return HttpMethod.PRI.is(request.getMethod())
                        ? super.upgradeConnection(connector, endPoint, request, response101) : null;
            }
        };
    }
}

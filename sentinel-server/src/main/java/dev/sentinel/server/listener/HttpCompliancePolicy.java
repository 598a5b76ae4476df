package dev.sentinel.server.listener;

import org.eclipse.jetty.server.HttpConfiguration;

/** How strictly HTTP/1 requests are parsed on every listener (RFC 9112 / RFC 9110). */
final class HttpCompliancePolicy {
    private HttpCompliancePolicy() {
    }

    static void configure(HttpConfiguration http) {
    }
}

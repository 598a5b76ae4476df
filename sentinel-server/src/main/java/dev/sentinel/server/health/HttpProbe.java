package dev.sentinel.server.health;

import dev.sentinel.server.config.HealthCheckConfig;
import dev.sentinel.spi.Target;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * Healthy when {@code GET path} answers the expected status, sent on the pool's own client so the check
 * sees what requests see (TLS, connect timeout). The body is read and dropped, bounded by Jetty's default
 * 2 MiB for buffered responses.
 */
final class HttpProbe implements Probe {
    private final HttpClient client;
    private final String scheme;
    private final HealthCheckConfig config;

    HttpProbe(HttpClient client, String scheme, HealthCheckConfig config) {
        this.client = client;
        this.scheme = scheme;
        this.config = config;
    }

    @Override
    public String check(Target target) throws Exception {
        Request request = client.newRequest(target.host(), target.port())
                .scheme(scheme)
                .method(HttpMethod.GET)
                .path(config.path())
                .timeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        if (config.host() != null) {
            request.headers(headers -> headers.put(HttpHeader.HOST, config.host()));
        }
        ContentResponse response = request.send();
        return response.getStatus() == config.expectedStatus() ? null : "status " + response.getStatus();
    }
}

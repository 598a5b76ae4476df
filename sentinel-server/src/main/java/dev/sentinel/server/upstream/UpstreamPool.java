package dev.sentinel.server.upstream;

import dev.sentinel.server.config.UpstreamConfig;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.RequestInfo;
import dev.sentinel.spi.Target;
import java.util.List;
import org.eclipse.jetty.client.HttpClient;

/**
 * One upstream: its targets, its balancer and the client whose connection pools reach them. The
 * client's lifecycle belongs to whoever built the pool ({@link UpstreamClients}).
 */
public final class UpstreamPool {
    private final UpstreamConfig config;
    private final LoadBalancer balancer;
    private final HttpClient client;
    private final String scheme;

    UpstreamPool(UpstreamConfig config, LoadBalancer balancer, HttpClient client) {
        this.config = config;
        this.balancer = balancer;
        this.client = client;
        this.scheme = config.tls() == null ? "http" : "https";
    }

    public String id() {
        return config.id();
    }

    public UpstreamConfig config() {
        return config;
    }

    public HttpClient client() {
        return client;
    }

    /** The target for this request. */
    public Target select(RequestInfo request) {
        List<Target> targets = config.targets();
        return targets.size() == 1 ? targets.getFirst() : balancer.select(targets, request);
    }

    /** {@code http} or {@code https}. */
    public String scheme() {
        return scheme;
    }

    /** {@code scheme://host:port} of a target, the origin requests are sent to. */
    public String origin(Target target) {
        return scheme + "://" + target.address();
    }
}

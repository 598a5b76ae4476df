package dev.sentinel.server.upstream;

import dev.sentinel.server.config.UpstreamConfig;
import dev.sentinel.server.health.Availability;
import dev.sentinel.server.observability.ProxyMetrics;
import java.util.List;
import java.util.concurrent.Executor;
import javax.net.ssl.SNIHostName;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Builds each upstream's clients: the {@link UpstreamClient} that forwards requests, bounded per target, and
 * the jetty-client its health probes use. Both take the upstream's connect and idle timeouts and TLS
 * settings, and share the server's executor, scheduler and buffer pool.
 */
public final class UpstreamClients {
    /** Connections to one target; past it, requests queue. */
    public static final int MAX_CONNECTIONS_PER_TARGET = 1024;
    /**
     * An upstream response's status line and headers; larger is a 502, as HAProxy's default buffer refuses
     * about the same (nginx's {@code proxy_buffer_size} already at 4 or 8 KB).
     */
    public static final int MAX_RESPONSE_HEADERS_BYTES = 16 * 1024;
    /**
     * The head of a response to a client: an upstream's largest, plus room for what Sentinel and the
     * filters add (correlation id, security headers, CORS, rate limits, a sticky cookie).
     */
    public static final int CLIENT_RESPONSE_HEADERS_BYTES = MAX_RESPONSE_HEADERS_BYTES + 4 * 1024;
    /** Requests waiting for a connection to one target; past it, 502. */
    public static final int MAX_QUEUED_PER_TARGET = 4096;

    private final Executor executor;
    private final Scheduler scheduler;
    private final ByteBufferPool bufferPool;
    private final ProxyMetrics metrics;

    public UpstreamClients(Executor executor, Scheduler scheduler, ByteBufferPool bufferPool, ProxyMetrics metrics) {
        this.executor = executor;
        this.scheduler = scheduler;
        this.bufferPool = bufferPool;
        this.metrics = metrics;
    }

    /** A pool with a fresh balancer, whose client is built but not started. */
    public UpstreamPool newPool(UpstreamConfig config, Availability availability) {
        ClientConnector connector = newConnector(config);
        connector.addEventListener(new ConnectTimer(metrics.upstream(config.id())));
        UpstreamClient client = new UpstreamClient(config.targets(), connector, MAX_CONNECTIONS_PER_TARGET,
                MAX_QUEUED_PER_TARGET, MAX_RESPONSE_HEADERS_BYTES);
        return new UpstreamPool(config, config.newBalancer().get(), client, availability);
    }

    /**
     * A jetty-client for the upstream's active health probes, with the upstream's connect timeout and TLS
     * settings, built but not started. Its connections are its own, not counted with the forwarded requests'.
     */
    public HttpClient newProbeClient(UpstreamConfig config) {
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(newConnector(config)));
        client.setExecutor(executor);
        client.setScheduler(scheduler);
        client.setByteBufferPool(bufferPool);
        client.setConnectTimeout(config.timeouts().connect().toMillis());
        client.setIdleTimeout(config.timeouts().idle().toMillis());
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(null);
        return client;
    }

    private ClientConnector newConnector(UpstreamConfig config) {
        ClientConnector connector = new ClientConnector();
        connector.setSelectors(1);
        connector.setExecutor(executor);
        connector.setScheduler(scheduler);
        connector.setByteBufferPool(bufferPool);
        connector.setConnectTimeout(config.timeouts().connect());
        // One idle timeout serves both a connection in an exchange (the read/write timeout) and one waiting in
        // the pool.
        connector.setIdleTimeout(config.timeouts().idle());
        connector.setTCPNoDelay(true);
        if (config.tls() != null) {
            connector.setSslContextFactory(sslContextFactory(config.tls()));
        }
        return connector;
    }

    private static SslContextFactory.Client sslContextFactory(UpstreamConfig.UpstreamTls tls) {
        SslContextFactory.Client ssl = new SslContextFactory.Client();
        if (tls.sni() != null) {
            SNIHostName sni = new SNIHostName(tls.sni());
            ssl.setSNIProvider((engine, serverNames) -> List.of(sni));
        }
        if (tls.insecureSkipVerify()) {
            ssl.setTrustAll(true);
            ssl.setEndpointIdentificationAlgorithm(null);
        }
        return ssl;
    }
}

package dev.sentinel.server.upstream;

import dev.sentinel.server.config.UpstreamConfig;
import dev.sentinel.server.health.Availability;
import dev.sentinel.server.observability.ProxyMetrics;
import java.util.List;
import java.util.concurrent.Executor;
import javax.net.ssl.SNIHostName;
import org.eclipse.jetty.client.ContinueProtocolHandler;
import org.eclipse.jetty.client.EarlyHintsProtocolHandler;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProcessingProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Builds the {@link HttpClient} of each upstream pool, configured for a proxy rather than left at
 * browser-like defaults: no content decoding (bodies pass through byte for byte, still compressed),
 * no cookie store, no redirects, no added User-Agent, and bounded pools. Of the protocol handlers only the
 * interim (1xx) ones stay: an upstream's authentication challenge is the client's to answer, and the stock
 * handler would take a 401 for itself. Clients share the server's
 * executor, scheduler and buffer pool.
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
        return new UpstreamPool(config, config.newBalancer().get(), newClient(config), availability);
    }

    private HttpClient newClient(UpstreamConfig config) {
        ClientConnector connector = new ClientConnector();
        connector.setSelectors(1);
        connector.setExecutor(executor);
        connector.setScheduler(scheduler);
        connector.setByteBufferPool(bufferPool);
        connector.setConnectTimeout(config.timeouts().connect());
        connector.setTCPNoDelay(true);
        connector.addEventListener(new ConnectTimer(metrics.upstream(config.id())));
        if (config.tls() != null) {
            connector.setSslContextFactory(sslContextFactory(config.tls()));
        }
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setExecutor(executor);
        client.setScheduler(scheduler);
        client.setByteBufferPool(bufferPool);
        client.setConnectTimeout(config.timeouts().connect().toMillis());
        // One idle timeout serves both a connection in an exchange (the read/write timeout) and one waiting in
        // the pool: a per-request value would re-arm the connection's timer twice per exchange.
        client.setIdleTimeout(config.timeouts().idle().toMillis());
        client.setMaxConnectionsPerDestination(MAX_CONNECTIONS_PER_TARGET);
        client.setMaxRequestsQueuedPerDestination(MAX_QUEUED_PER_TARGET);
        client.setMaxResponseHeadersSize(MAX_RESPONSE_HEADERS_BYTES);
        client.setFollowRedirects(false);
        client.setHttpCookieStore(new HttpCookieStore.Empty());
        client.setUserAgentField(null);
        // HttpClient.doStart() installs the decoders found on the class path (gzip is in lib/): clear
        // them once started, or bodies would be decompressed and lose Content-Encoding.
        client.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarted(LifeCycle event) {
                client.getContentDecoderFactories().clear();
                client.getProtocolHandlers().clear();
                client.getProtocolHandlers().put(new InterimContinue());
                client.getProtocolHandlers().put(new OtherInterim());
                client.getProtocolHandlers().put(new EarlyHintsProtocolHandler());
            }
        });
        return client;
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

    /**
     * Skips 102 and any 1xx that no other handler knows, to wait for the final response (RFC 9110 15.2: a
     * client must parse an unexpected 1xx). 101 is not interim: an upgrade ends HTTP on the connection.
     */
    private static final class OtherInterim extends ProcessingProtocolHandler {
        @Override
        public boolean accept(Request request, Response response) {
            int status = response.getStatus();
            return HttpStatus.isInformational(status) && status != HttpStatus.CONTINUE_100
                    && status != HttpStatus.SWITCHING_PROTOCOLS_101 && status != HttpStatus.EARLY_HINTS_103;
        }
    }

    /**
     * Lets an upstream's {@code 100 Continue} pass as the interim response it is. Upstream requests never ask
     * for one (Sentinel drops {@code Expect}), so any other response needs no look at the request's headers,
     * which the stock handler scans on every response.
     */
    private static final class InterimContinue extends ContinueProtocolHandler {
        @Override
        public boolean accept(Request request, Response response) {
            return response.getStatus() == HttpStatus.CONTINUE_100 && super.accept(request, response);
        }
    }
}

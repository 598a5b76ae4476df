package dev.sentinel.server.listener;

import dev.sentinel.server.config.LimitsConfig;
import dev.sentinel.server.config.ListenerConfig;
import dev.sentinel.server.config.SystemConfig;
import dev.sentinel.server.observability.ProxyMetrics;
import dev.sentinel.server.upstream.UpstreamClients;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Builds one connector per listener. Each connector is named after its listener id, which is how the
 * request path finds the listener's default route.
 */
public final class Listeners {
    private Listeners() {
    }

    /**
     * @param selectors NIO selector threads per connector (request handling itself runs on virtual threads)
     */
    public static ServerConnector newConnector(Server server, ListenerConfig listener, SystemConfig system,
                                               LimitsConfig limits, ProxyMetrics metrics, int selectors) {
        HttpConfiguration http = httpConfiguration(limits);
        List<ConnectionFactory> factories = new ArrayList<>();
        switch (listener.protocol()) {
            case HTTP -> {
                factories.add(new HttpConnectionFactory(http));
                factories.add(h2c(http, listener, limits, metrics));
            }
            case HTTPS -> {
                http.addCustomizer(new SecureRequestCustomizer());
                ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
                alpn.setDefaultProtocol("http/1.1");
                factories.add(new SslConnectionFactory(sslContextFactory(listener), alpn.getProtocol()));
                factories.add(alpn);
                factories.add(h2(http, listener, limits, metrics));
                factories.add(new HttpConnectionFactory(http));
            }
            case H2 -> {
                if (listener.tls() == null) {
                    factories.add(h2c(http, listener, limits, metrics));
                } else {
                    http.addCustomizer(new SecureRequestCustomizer());
                    ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2");
                    alpn.setDefaultProtocol("h2");
                    factories.add(new SslConnectionFactory(sslContextFactory(listener), alpn.getProtocol()));
                    factories.add(alpn);
                    factories.add(h2(http, listener, limits, metrics));
                }
            }
        }
        ServerConnector connector = new GuardedConnector(server, 1, selectors,
                factories.toArray(ConnectionFactory[]::new));
        connector.setName(listener.id());
        connector.setHost(listener.host());
        connector.setPort(listener.port());
        connector.setIdleTimeout(listener.keepaliveTimeout().toMillis());
        ConnectionGuards.install(connector, listener, system, limits, metrics);
        return connector;
    }

    /** A plain HTTP/1.1 connector, for the dedicated metrics endpoint. */
    public static ServerConnector newPlainConnector(Server server, String name, String host, int port,
                                                    LimitsConfig limits) {
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(httpConfiguration(limits)));
        connector.setName(name);
        connector.setHost(host);
        connector.setPort(port);
        return connector;
    }

    private static HttpConfiguration httpConfiguration(LimitsConfig limits) {
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setRequestHeaderSize(limits.maxHeaderSizeBytes());
        http.setResponseHeaderSize(UpstreamClients.CLIENT_RESPONSE_HEADERS_BYTES);
        // Jetty's default is a header cache per connection, about 100 KiB once the connection's second request
        // arrives: a gigabyte of heap at 10 000 kept-alive connections. Without it a request allocates a few
        // more strings instead.
        http.setHeaderCacheSize(0);
        HttpCompliancePolicy.configure(http);
        return http;
    }

    private static HTTP2CServerConnectionFactory h2c(HttpConfiguration http, ListenerConfig listener, LimitsConfig limits,
                                                     ProxyMetrics metrics) {
        HTTP2CServerConnectionFactory h2c = HttpCompliancePolicy.h2cWithoutUpgrade(http);
        Http2Hardening.configure(h2c, listener, limits, metrics);
        return h2c;
    }

    private static HTTP2ServerConnectionFactory h2(HttpConfiguration http, ListenerConfig listener, LimitsConfig limits,
                                                   ProxyMetrics metrics) {
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http);
        Http2Hardening.configure(h2, listener, limits, metrics);
        return h2;
    }

    private static SslContextFactory.Server sslContextFactory(ListenerConfig listener) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(PemKeyStore.load(listener.tls().certFile(), listener.tls().keyFile()));
        ssl.setKeyStorePassword(PemKeyStore.PASSWORD);
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        return ssl;
    }
}

package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener protocols (http + h2c, https + ALPN, h2) and TLS to an upstream, with a self-signed certificate. */
class ProtocolsTest {
    private static final String KEYSTORE_PASSWORD = "changeit";

    @TempDir
    static Path certDir;
    private static Path cert;
    private static Path key;
    private static Path keystore;

    @BeforeAll
    static void makeSelfSignedCertificate() throws Exception {
        cert = certDir.resolve("cert.pem");
        key = certDir.resolve("key.pem");
        keystore = certDir.resolve("backend.p12");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-subj", "/CN=localhost", "-days", "2", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
        openssl("pkcs12", "-export", "-in", cert.toString(), "-inkey", key.toString(), "-out", keystore.toString(),
                "-passout", "pass:" + KEYSTORE_PASSWORD);
        assertTrue(Files.readString(key).contains("BEGIN PRIVATE KEY"), "openssl wrote a PKCS#8 key");
    }

    @Test
    void anHttpListenerServesH2cWithPriorKnowledgeAndHttp11OnTheSamePort() throws Exception {
        int port = Ports.free();
        try (Backend backend = Backend.echo(); Sentinel ignored = Sentinel.start(proxy(port, "protocol \"http\"", backend))) {
            ContentResponse h2 = send(h2cClient(), "http://127.0.0.1:" + port + "/over/h2c?x=1");
            assertEquals(200, h2.getStatus(), h2.getContentAsString());
            assertEquals(HttpVersion.HTTP_2, h2.getVersion());
            assertEquals("GET /over/h2c?x=1 ", h2.getContentAsString());
            assertEquals("/over/h2c?x=1", backend.take().uri());

            ContentResponse h1 = send(http11Client(null), "http://127.0.0.1:" + port + "/over/h1");
            assertEquals(200, h1.getStatus(), h1.getContentAsString());
            assertEquals(HttpVersion.HTTP_1_1, h1.getVersion());
            assertEquals("/over/h1", backend.take().uri());
        }
    }

    @Test
    void anHttpsListenerServesHttp11ToAClientThatTrustsItsCertificate() throws Exception {
        int port = Ports.free();
        try (Backend backend = Backend.echo(); Sentinel ignored = Sentinel.start(proxy(port, tlsListener("https"), backend))) {
            ContentResponse response = send(http11Client(new SslContextFactory.Client(true)),
                    "https://localhost:" + port + "/secure/h1");
            assertEquals(200, response.getStatus(), response.getContentAsString());
            assertEquals(HttpVersion.HTTP_1_1, response.getVersion());
            assertEquals("GET /secure/h1 ", response.getContentAsString());
            assertEquals("/secure/h1", backend.take().uri());
        }
    }

    /** ALPN through the JDK's client (it negotiates h2 itself; a fallback to HTTP/1.1 would show). */
    @Test
    void httpsAndH2ListenersWithTlsNegotiateHttp2ThroughAlpn() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(trusting(cert))
                .version(java.net.http.HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        for (String protocol : List.of("https", "h2")) {
            int port = Ports.free();
            try (Backend backend = Backend.echo(); Sentinel ignored = Sentinel.start(proxy(port, tlsListener(protocol), backend))) {
                java.net.http.HttpResponse<String> response = client.send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("https://localhost:" + port + "/secure/" + protocol))
                        .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), protocol + ": " + response.body());
                assertEquals(java.net.http.HttpClient.Version.HTTP_2, response.version(), protocol);
                assertEquals("GET /secure/" + protocol + " ", response.body());
                assertEquals("/secure/" + protocol, backend.take().uri());
            }
        }
    }

    @Test
    void anH2ListenerWithoutTlsAcceptsH2cAndRefusesHttp11() throws Exception {
        int port = Ports.free();
        try (Backend backend = Backend.echo(); Sentinel ignored = Sentinel.start(proxy(port, "protocol \"h2\"", backend))) {
            ContentResponse h2 = send(h2cClient(), "http://127.0.0.1:" + port + "/only/h2");
            assertEquals(200, h2.getStatus(), h2.getContentAsString());
            assertEquals(HttpVersion.HTTP_2, h2.getVersion());
            assertEquals("/only/h2", backend.take().uri());

            HttpClient h1 = http11Client(null);
            try {
                assertThrows(Exception.class, () -> h1.newRequest("http://127.0.0.1:" + port + "/only/h1")
                        .timeout(10, TimeUnit.SECONDS).send(), "an HTTP/1.1 request gets no HTTP/1.1 answer");
            } finally {
                h1.stop();
            }
            assertEquals(0, backend.receivedCount(), "the HTTP/1.1 request never reached the backend");
        }
    }

    @Test
    void anHttpsUpstreamGetsTheRequestWithTheConfiguredSni() throws Exception {
        int port = Ports.free();
        try (TlsBackend backend = new TlsBackend();
             Sentinel ignored = Sentinel.start(upstreamTls(port, backend.port(),
                     "tls { sni \"backend.test\"; insecure-skip-verify #true }"))) {
            ContentResponse response = send(http11Client(null), "http://127.0.0.1:" + port + "/to/tls?y=2");
            assertEquals(200, response.getStatus(), response.getContentAsString());
            assertEquals("tls backend saw GET /to/tls?y=2", response.getContentAsString());
            assertEquals("GET /to/tls?y=2", backend.requests.poll(10, TimeUnit.SECONDS));
            assertEquals("backend.test", backend.sniNames.poll(10, TimeUnit.SECONDS), "the SNI the backend was sent");
        }
    }

    @Test
    void anHttpsUpstreamWithAnUntrustedCertificateIsRefusedUnlessVerificationIsSkipped() throws Exception {
        int port = Ports.free();
        try (TlsBackend backend = new TlsBackend();
             Sentinel ignored = Sentinel.start(upstreamTls(port, backend.port(), "tls { sni \"backend.test\" }"))) {
            ContentResponse response = send(http11Client(null), "http://127.0.0.1:" + port + "/to/tls");
            assertEquals(502, response.getStatus(), response.getContentAsString());
            assertTrue(backend.requests.isEmpty(), "no request got through the failed handshake");
        }
    }

    // ---- configs -----------------------------------------------------------------------------

    private static String tlsListener(String protocol) {
        return "protocol \"%s\"; tls { cert-file \"%s\"; key-file \"%s\" }".formatted(protocol, cert, key);
    }

    private static String proxy(int port, String listenerBody, Backend backend) {
        return """
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; %s } }
                routes { route "all" { matches { path-prefix "/" }; upstream "be" } }
                upstreams { upstream "be" { target "%s" } }
                """.formatted(port, listenerBody, backend.address());
    }

    private static String upstreamTls(int port, int backendPort, String tls) {
        return """
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                routes { route "all" { matches { path-prefix "/" }; upstream "secure" } }
                upstreams { upstream "secure" { target "127.0.0.1:%d"; %s } }
                """.formatted(port, backendPort, tls);
    }

    // ---- clients -----------------------------------------------------------------------------

    private static HttpClient h2cClient() throws Exception {
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        client.start();
        return client;
    }

    private static HttpClient http11Client(SslContextFactory.Client ssl) throws Exception {
        ClientConnector connector = new ClientConnector();
        if (ssl != null) {
            connector.setSslContextFactory(ssl);
        }
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.start();
        return client;
    }

    /** One GET, then the client is stopped. */
    private static ContentResponse send(HttpClient client, String url) throws Exception {
        try {
            return client.newRequest(url).timeout(15, TimeUnit.SECONDS).send();
        } finally {
            client.stop();
        }
    }

    private static SSLContext trusting(Path pem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pem)) {
            trust.setCertificateEntry("sentinel", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "openssl did not finish");
        assertEquals(0, process.exitValue(), "openssl " + String.join(" ", args) + ":\n" + out);
    }

    /** An HTTPS/1.1 backend with the test certificate that records each request and the SNI of each handshake. */
    private static final class TlsBackend implements AutoCloseable {
        final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
        final BlockingQueue<String> sniNames = new LinkedBlockingQueue<>();
        private final Server server = new Server();
        private final ServerConnector connector;

        TlsBackend() throws Exception {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(keystore.toString());
            ssl.setKeyStoreType("PKCS12");
            ssl.setKeyStorePassword(KEYSTORE_PASSWORD);
            connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory());
            connector.setHost("127.0.0.1");
            connector.addBean(new SslHandshakeListener() {
                @Override
                public void handshakeSucceeded(Event event) {
                    SSLSession session = event.getSSLEngine().getSession();
                    sniNames.add(session instanceof ExtendedSSLSession extended
                            ? extended.getRequestedServerNames().stream()
                                    .map(n -> n instanceof SNIHostName host ? host.getAsciiName() : n.toString())
                                    .collect(Collectors.joining(","))
                            : "");
                }
            });
            server.addConnector(connector);
            server.setHandler(new Handler.Abstract() {
                @Override
                public boolean handle(Request request, Response response, Callback callback) {
                    String seen = request.getMethod() + " " + request.getHttpURI().getPathQuery();
                    requests.add(seen);
                    Backend.text(response, callback, 200, "tls backend saw " + seen);
                    return true;
                }
            });
            server.start();
        }

        int port() {
            return connector.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.stop();
        }
    }
}

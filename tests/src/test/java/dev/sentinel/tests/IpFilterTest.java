package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Dist;
import dev.sentinel.tests.support.Metrics;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listener {@code ip-filter} (a Sentinel extension): a denied client is closed right after the TCP
 * accept, before any TLS or HTTP byte, and counted as {@code ip_denied}; deny wins; a non-empty allow list
 * admits only its members; IPv6 works alike; a bad CIDR fails {@code test} with its file:line.
 */
@Timeout(60)
class IpFilterTest {
    private static final String DENIED = "sentinel_connections_refused_total{reason=\"ip_denied\"}";
    /** A TLS record header (handshake, TLS 1.0 record version) and the start of a ClientHello. */
    private static final byte[] CLIENT_HELLO_START = {0x16, 0x03, 0x01, 0x00, 0x2f, 0x01, 0x00, 0x00, 0x2b, 0x03, 0x03};

    @TempDir
    static Path dir;
    private static Path cert;
    @AutoClose
    private static Backend backend;
    @AutoClose
    private static Sentinel sentinel;
    private static int tlsDenied;
    private static int tlsOpen;
    private static int allowList;
    private static int denyWins;
    private static int open;

    @BeforeAll
    static void start() throws Exception {
        cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-subj", "/CN=localhost", "-days", "2",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1").redirectErrorStream(true).start();
        String out = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0, "openssl failed:\n" + out);

        backend = Backend.echo();
        tlsDenied = Ports.free();
        tlsOpen = Ports.free();
        allowList = Ports.free();
        denyWins = Ports.free();
        open = Ports.free();
        String tls = "protocol \"https\"; tls { cert-file \"%s\"; key-file \"%s\" }".formatted(cert, key);
        sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners {
                  listener "tls-denied" { address "127.0.0.1:%d"; %s; ip-filter { deny "127.0.0.1/32" } }
                  listener "tls-open" { address "127.0.0.1:%d"; %s }
                  listener "allow-list" { address "127.0.0.1:%d"; ip-filter { allow "10.0.0.0/8" "192.168.0.0/16" } }
                  listener "deny-wins" {
                    address "127.0.0.1:%d"
                    ip-filter { allow "127.0.0.0/8"; deny "127.0.0.2" }
                  }
                  listener "open" { address "127.0.0.1:%d" }
                }
                routes {
                  route "metrics" { priority "critical"; matches { path "/metrics" }; builtin-handler "metrics" }
                  route "api" { matches { path-prefix "/" }; upstream "be" }
                }
                upstreams { upstream "be" { target "%s" } }
                """.formatted(tlsDenied, tls, tlsOpen, tls, allowList, denyWins, open, backend.address()));
    }

    @BeforeEach
    void forgetEarlierRequests() throws Exception {
        while (backend.receivedCount() > 0) {
            backend.take();
        }
    }

    @Test
    void aDeniedClientIsClosedBeforeAnyTlsHandshake() throws Exception {
        double before = metric(open);
        assertClosedUnanswered(loopback(tlsDenied), null, CLIENT_HELLO_START);
        SSLContext trusting = trusting(cert);
        assertThrows(IOException.class, () -> {
            try (SSLSocket tls = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", tlsDenied)) {
                tls.setSoTimeout(5_000);
                tls.startHandshake();
            }
        }, "no TLS handshake with a denied client");
        try (SSLSocket tls = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", tlsOpen)) {
            tls.setSoTimeout(5_000);
            tls.startHandshake();
            tls.getOutputStream().write("GET /over-tls HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(tls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(response.startsWith("HTTP/1.1 200"), "the same certificate on an unfiltered listener works: "
                    + response);
        }
        assertEquals("/over-tls", backend.take().uri());
        backend.assertNothingReceived(Duration.ofMillis(300));
        assertEquals(before + 2, metric(open));
    }

    @Test
    void aNonEmptyAllowListAdmitsOnlyItsMembers() throws Exception {
        double before = metric(open);
        assertClosedUnanswered(loopback(allowList), null, get("/not-a-member"));
        backend.assertNothingReceived(Duration.ofMillis(300));
        assertEquals(before + 1, metric(open));
    }

    @Test
    void denyWinsOverAWiderAllow() throws Exception {
        try (Socket socket = connect(denyWins)) {
            socket.getOutputStream().write(get("/member"));
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 200", status, "127.0.0.1 is in the allow list and not denied");
        }
        assertEquals("/member", backend.take().uri());

        InetAddress denied = InetAddress.getByName("127.0.0.2");
        Assumptions.assumeTrue(canBind(denied), "this system routes only 127.0.0.1 on loopback");
        double before = metric(open);
        assertClosedUnanswered(loopback(denyWins), denied, get("/denied"));
        backend.assertNothingReceived(Duration.ofMillis(300));
        assertEquals(before + 1, metric(open));
    }

    @Test
    void ipv6ClientsAreFilteredToo() throws Exception {
        InetAddress loopback6 = InetAddress.getByName("::1");
        Assumptions.assumeTrue(canListen(loopback6), "no IPv6 loopback here");
        int denied6 = Ports.free();
        int allowed6 = Ports.free();
        int metrics6 = Ports.free();
        try (Sentinel v6 = Sentinel.start("""
                system { worker-threads 1 }
                listeners {
                  listener "denied" { address "[::1]:%d"; ip-filter { deny "::1/128" } }
                  listener "allowed" { address "[::1]:%d"; ip-filter { allow "::1" "fe80::/10"; deny "10.0.0.0/8" } }
                  listener "metrics" { address "127.0.0.1:%d" }
                }
                routes {
                  route "metrics" { priority "critical"; matches { path "/metrics" }; builtin-handler "metrics" }
                  route "api" { matches { path-prefix "/" }; upstream "be" }
                }
                upstreams { upstream "be" { target "%s" } }
                """.formatted(denied6, allowed6, metrics6, backend.address()))) {
            assertClosedUnanswered(new InetSocketAddress(loopback6, denied6), null, get("/v6-denied"));
            try (Socket socket = new Socket(loopback6, allowed6)) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write(get("/v6-allowed"));
                String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 200", status);
            }
            assertEquals("/v6-allowed", backend.take().uri());
            assertEquals(1, metric(metrics6));
        }
    }

    @Test
    void aBadCidrFailsTheConfigTestWithItsLocation() throws Exception {
        Path config = dir.resolve("bad-cidr.kdl");
        Files.writeString(config, """
                system { worker-threads 1 }
                listeners {
                  listener "main" {
                    address "127.0.0.1:%d"
                    ip-filter { allow "10.0.0.0/8" "10.300.0.0/16" }
                  }
                }
                """.formatted(Ports.free()));
        Dist.Result result = Dist.run("test", "-c", config.toString());
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains(config + ":5:36: bad CIDR in 'allow': '10.300.0.0' is not an IPv4 address"),
                result.output());
    }

    /**
     * Connects (from {@code from}, when given), sends {@code bytes}, and expects the connection to end (EOF or
     * reset) without a single byte back. The reset may surface at any step, even before the connect returns.
     */
    private static void assertClosedUnanswered(InetSocketAddress target, InetAddress from, byte[] bytes)
            throws IOException {
        try (Socket socket = new Socket()) {
            if (from != null) {
                socket.bind(new InetSocketAddress(from, 0));
            }
            socket.connect(target, 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(bytes);
            assertEquals(-1, socket.getInputStream().read(), "the connection was answered");
        } catch (ConnectException e) {
            throw e; // nothing listening: not what is tested
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            assertTrue(message.contains("reset") || message.contains("Broken pipe"), "expected a reset, got " + e);
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(5_000);
        return socket;
    }

    private static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    private static byte[] get(String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: sentinel\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static double metric(int port) throws IOException {
        try (Socket socket = connect(port)) {
            socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: sentinel\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.startsWith("HTTP/1.1 200"), text);
            return Metrics.value(text, DENIED);
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

    private static boolean canBind(InetAddress address) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(address, 0));
            return true;
        } catch (BindException e) {
            return false;
        }
    }

    private static boolean canListen(InetAddress address) {
        try (ServerSocket socket = new ServerSocket(0, 1, address)) {
            return socket.getLocalPort() > 0;
        } catch (IOException e) {
            return false;
        }
    }
}

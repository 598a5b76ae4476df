package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Metrics;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code system { max-connections }} and {@code limits { max-connections-per-client }}: over either, a new
 * connection is closed at accept without an answer and counted, both bounds span all listeners, and a
 * closed connection gives its place back.
 */
class ConnectionLimitsTest {
    private static final int MAX_CONNECTIONS = 4;
    private static final int MAX_PER_CLIENT = 3;
    private static final String GLOBAL = "sentinel_connections_refused_total{reason=\"max_connections\"}";
    private static final String PER_CLIENT =
            "sentinel_connections_refused_total{reason=\"max_connections_per_client\"}";
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @AutoClose
    private static Backend backend;
    @AutoClose
    private static Sentinel global;
    @AutoClose
    private static Sentinel perClient;
    private static int[] globalPorts;
    private static int[] perClientPorts;
    /** Refusals a test saw itself, including retries while released places come back. */
    private int refusals;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.echo();
        globalPorts = new int[] {Ports.free(), Ports.free()};
        global = Sentinel.start(config(globalPorts,
                "system { worker-threads 1; max-connections " + MAX_CONNECTIONS + " }"));
        perClientPorts = new int[] {Ports.free(), Ports.free()};
        perClient = Sentinel.start(config(perClientPorts,
                "system { worker-threads 1 }\nlimits { max-connections-per-client " + MAX_PER_CLIENT + " }"));
    }

    private static String config(int[] ports, String bounds) {
        return bounds + """

                listeners {
                  listener "a" { address "127.0.0.1:%d" }
                  listener "b" { address "127.0.0.1:%d" }
                }
                routes {
                  route "metrics" { priority "critical"; matches { path "/metrics" }; builtin-handler "metrics" }
                  route "api" { matches { path-prefix "/" }; upstream "be" }
                }
                upstreams { upstream "be" { target "%s" } }
                """.formatted(ports[0], ports[1], backend.address());
    }

    @Test
    @Timeout(60)
    void overMaxConnectionsANewConnectionIsClosedAtOnceOnEveryListener() throws Exception {
        double before = metric(globalPorts[0], GLOBAL);
        refusals = 0; // those the first scrape met are in its value already
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS; i++) {
                held.add(servedEventually(globalPorts[i % 2], null));
            }
            assertNull(served(globalPorts[0], null), "a fifth connection on listener a");
            assertNull(served(globalPorts[1], null), "a fifth connection on listener b");
            refusals += 2;

            held.removeFirst().close();
            held.add(servedEventually(globalPorts[1], null));
            assertNull(served(globalPorts[0], null), "full again");
            refusals++;
        } finally {
            closeAll(held);
        }
        double after = metric(globalPorts[0], GLOBAL); // first: its own retries add to refusals
        assertEquals(before + refusals, after, "every refusal is counted");
    }

    @Test
    @Timeout(60)
    void overMaxConnectionsPerClientThatClientIsRefusedOnEveryListener() throws Exception {
        double before = metric(perClientPorts[0], PER_CLIENT);
        refusals = 0; // those the first scrape met are in its value already
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_PER_CLIENT; i++) {
                held.add(servedEventually(perClientPorts[i % 2], null));
            }
            assertNull(served(perClientPorts[0], null), "a fourth connection from the same address, listener a");
            assertNull(served(perClientPorts[1], null), "a fourth connection from the same address, listener b");
            refusals += 2;

            held.removeFirst().close();
            held.add(servedEventually(perClientPorts[0], null));
        } finally {
            closeAll(held);
        }
        double after = metric(perClientPorts[0], PER_CLIENT); // first: its own retries add to refusals
        assertEquals(before + refusals, after, "every refusal is counted");
    }

    @Test
    @Timeout(60)
    void anotherClientAddressHasABudgetOfItsOwn() throws Exception {
        InetAddress other = InetAddress.getByName("127.0.0.2");
        Assumptions.assumeTrue(canBind(other), "this system routes only 127.0.0.1 on loopback");
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_PER_CLIENT; i++) {
                held.add(servedEventually(perClientPorts[0], null));
            }
            assertNull(served(perClientPorts[0], null), "127.0.0.1 is at its limit");
            Socket fromOther = served(perClientPorts[0], other);
            assertNotNull(fromOther, "127.0.0.2 still gets a connection");
            held.add(fromOther);
        } finally {
            closeAll(held);
        }
    }

    /** Like {@link #served}, retrying while places released by earlier connections come back. */
    private Socket servedEventually(int port, InetAddress from) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        Socket socket = served(port, from);
        while (socket == null) {
            refusals++;
            assertTrue(System.nanoTime() < deadline, "no place came free within " + PATIENCE);
            socket = served(port, from);
        }
        return socket;
    }

    /**
     * Connects (from {@code from}, when given) and sends a request: the open socket once a 200 began to
     * arrive, or {@code null} when Sentinel closed the connection without a byte.
     */
    private static Socket served(int port, InetAddress from) throws IOException {
        Socket socket = new Socket();
        try {
            if (from != null) {
                socket.bind(new InetSocketAddress(from, 0));
            }
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("GET /held HTTP/1.1\r\nHost: sentinel\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            if (status.isEmpty()) {
                socket.close();
                return null;
            }
            if (!status.equals("HTTP/1.1 200")) {
                socket.close();
                fail("admitted, but answered " + status);
            }
            return socket;
        } catch (ConnectException e) {
            socket.close();
            throw e; // nothing listening: not a refusal
        } catch (IOException e) {
            // A refused connection is reset: some step fails, with nothing received.
            socket.close();
            return null;
        }
    }

    /** The value of a series through the metrics route, on a connection closed right after. */
    private double metric(int port, String series) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.setSoTimeout(5_000);
                socket.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: sentinel\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (text.startsWith("HTTP/1.1 200")) {
                    return Metrics.value(text, series);
                }
            } catch (IOException e) {
                // refused while the places of just-closed connections are given back
            }
            refusals++;
            assertTrue(System.nanoTime() < deadline, "the metrics route stayed unreachable");
        }
    }

    private static boolean canBind(InetAddress address) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(address, 0));
            return true;
        } catch (BindException e) {
            return false;
        }
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}

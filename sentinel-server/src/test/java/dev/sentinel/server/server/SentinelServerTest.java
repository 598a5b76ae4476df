package dev.sentinel.server.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.server.config.kdl.ConfigLoader;
import dev.sentinel.server.jmx.ServerMXBean;
import dev.sentinel.server.plugin.PluginRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.MBeanServerDelegate;
import javax.management.MBeanServerNotification;
import javax.management.NotificationListener;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's lifecycle against reloads, in process. */
class SentinelServerTest {
    @Test
    void aReloadWhileStoppingIsRefused(@TempDir Path dir) throws Exception {
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        ObjectName serverBean = new ObjectName(ServerMXBean.OBJECT_NAME);
        CountDownLatch unexported = new CountDownLatch(1);
        NotificationListener unregistered = (notification, handback) -> {
            if (notification instanceof MBeanServerNotification n
                    && MBeanServerNotification.UNREGISTRATION_NOTIFICATION.equals(n.getType())
                    && serverBean.equals(n.getMBeanName())) {
                unexported.countDown();
            }
        };
        try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = freePort();
            SentinelServer server = start(dir, port, backend.getLocalPort());
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                client.setSoTimeout(30_000);
                OutputStream out = client.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // The backend never answers: the request stays in flight and holds the stop in its drain.
                Socket upstream = backend.accept();
                mbeans.addNotificationListener(MBeanServerDelegate.DELEGATE_NAME, unregistered, null, null);
                CompletableFuture<Void> stopped = CompletableFuture.runAsync(() -> {
                    try {
                        server.stop();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, runnable -> Thread.ofVirtual().start(runnable));
                assertTrue(unexported.await(30, TimeUnit.SECONDS), "stopping closes the JMX export first");

                assertFalse(server.reload());
                assertEquals(Set.of(), mbeans.queryNames(new ObjectName("sentinel:type=Route,*"), null),
                        "no MBean registered after the export closed");

                // Let the request end, and close the client's connection, so the stop completes. The backend
                // stops listening first: should the client pool have lost the connection before the request
                // went out on it, a new one is refused (502) instead of waiting in an accept queue for ever.
                backend.close();
                upstream.close();
                client.getInputStream().readAllBytes();
                client.close();
                stopped.get(30, TimeUnit.SECONDS);
            } finally {
                mbeans.removeNotificationListener(MBeanServerDelegate.DELEGATE_NAME, unregistered);
                server.stop();
            }
        }
    }

    @Test
    void stoppingWithinAReloadsGraceStopsTheReplacedConfigurationToo(@TempDir Path dir) throws Exception {
        try (ServerSocket backend = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            CountDownLatch upstreamClosed = new CountDownLatch(1);
            Thread.ofVirtual().start(() -> {
                try (Socket upstream = backend.accept()) {
                    InputStream in = upstream.getInputStream();
                    // The request head, up to its blank line.
                    String head = "";
                    while (!head.endsWith("\r\n\r\n")) {
                        int b = in.read();
                        if (b < 0) {
                            return;
                        }
                        head += (char) b;
                    }
                    upstream.getOutputStream().write(
                            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi".getBytes(StandardCharsets.US_ASCII));
                    // Kept open by Sentinel's pool until its client stops: then the read sees the end.
                    if (in.read() < 0) {
                        upstreamClosed.countDown();
                    }
                } catch (IOException e) {
                    // the test fails on the latch
                }
            });
            int port = freePort();
            SentinelServer server = start(dir, port, backend.getLocalPort());
            try {
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    client.setSoTimeout(10_000);
                    client.getOutputStream().write("GET / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    assertTrue(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                            .endsWith("hi"));
                }
                assertTrue(server.reload(), "the same file again: the old configuration is replaced");
            } finally {
                server.stop();
            }
            // The replaced configuration's pooled connection closes with the server, not 60 s later.
            assertTrue(upstreamClosed.await(10, TimeUnit.SECONDS), "the replaced configuration's client was stopped");
        }
    }

    /** A server on {@code port} from a config file in {@code dir}: one route to the backend, a 60 s grace. */
    private static SentinelServer start(Path dir, int port, int backendPort) throws Exception {
        Path file = dir.resolve("sentinel.kdl");
        Files.writeString(file, """
                system { worker-threads 1; graceful-shutdown-timeout-secs 60 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                routes { route "api" { matches { path-prefix "/" }; upstream "be" } }
                upstreams { upstream "be" { target "127.0.0.1:%d" } }
                """.formatted(port, backendPort));
        PluginRegistry plugins = PluginRegistry.builtins();
        SentinelServer server = new SentinelServer(ConfigLoader.load(file, plugins), file, plugins);
        server.start();
        return server;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}

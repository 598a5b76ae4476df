package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Dist;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.api.Stream;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.HeadersFrame;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Remote JMX as an operator uses it: loopback, a password, the sentinel domain, reload(), drain(). The
 * tests share one process and config file; each leaves the file as {@code config("/new")} describes it.
 */
class JmxTest {
    private static final ObjectName SERVER = name("sentinel:type=Server");
    private static final ObjectName LISTENER = name("sentinel:type=Listener,name=main");
    private static final ObjectName ROUTE = name("sentinel:type=Route,name=r");
    private static final ObjectName DOWN_ROUTE = name("sentinel:type=Route,name=down");
    private static final ObjectName EXTRA_ROUTE = name("sentinel:type=Route,name=extra");
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static int downPort;
    @AutoClose
    private static Sentinel sentinel;
    private static Path config;
    private static int jmxPort;
    private static int httpPort;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("sentinel-jmx");
        Path passwords = dir.resolve("jmxremote.password");
        Files.writeString(passwords, "admin s3cret\nmonitor look\n");
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-------"));
        jmxPort = Ports.free();
        httpPort = Ports.free();
        downPort = Ports.free();
        config = dir.resolve("sentinel.kdl");
        Files.writeString(config, config("/old"));
        sentinel = Sentinel.start(Dist.home(), config,
                Map.of("SENTINEL_JMX_PORT", Integer.toString(jmxPort), "SENTINEL_JMX_PASSWORD_FILE", passwords.toString()),
                "run", "-c", config.toString());
    }

    @Test
    void readsServerAttributesAndReloadsThroughJmx() throws Exception {
        try (JMXConnector connector = connect("admin", "s3cret")) {
            MBeanServerConnection mbeans = connector.getMBeanServerConnection();
            assertEquals(config.toString(), mbeans.getAttribute(SERVER, "ConfigSource"));
            Files.writeString(config, config("/old"));
            assertEquals(Boolean.TRUE, mbeans.invoke(SERVER, "reload", null, null));
            String hashBefore = (String) mbeans.getAttribute(SERVER, "ConfigSha256");
            assertEquals(64, hashBefore.length());
            assertEquals(3, mbeans.getAttribute(SERVER, "RouteCount"));
            long succeeded = (Long) mbeans.getAttribute(SERVER, "ReloadsSucceeded");
            long failed = (Long) mbeans.getAttribute(SERVER, "ReloadsFailed");

            Files.writeString(config, config("/new"));
            assertEquals(Boolean.TRUE, mbeans.invoke(SERVER, "reload", null, null));
            assertFalse(hashBefore.equals(mbeans.getAttribute(SERVER, "ConfigSha256")));
            assertEquals(succeeded + 1, mbeans.getAttribute(SERVER, "ReloadsSucceeded"));
            assertEquals(200, get("/new"));

            Files.writeString(config, "routes {");
            assertEquals(Boolean.FALSE, mbeans.invoke(SERVER, "reload", null, null));
            assertEquals(failed + 1, mbeans.getAttribute(SERVER, "ReloadsFailed"));
            assertEquals(200, get("/new"));
            Files.writeString(config, config("/new"));
        }
    }

    @Test
    void listenerAndRouteBeansCountTraffic() throws Exception {
        try (JMXConnector connector = connect("monitor", "look")) {
            MBeanServerConnection mbeans = connector.getMBeanServerConnection();
            assertEquals("127.0.0.1:" + httpPort, mbeans.getAttribute(LISTENER, "Address"));
            assertEquals("http", mbeans.getAttribute(LISTENER, "Protocol"));
            long listenerRequests = (Long) mbeans.getAttribute(LISTENER, "Requests");
            long routeRequests = (Long) mbeans.getAttribute(ROUTE, "Requests");
            long routeErrors = (Long) mbeans.getAttribute(ROUTE, "Errors");
            long downErrors = (Long) mbeans.getAttribute(DOWN_ROUTE, "Errors");
            // Route r serves whichever of /old and /new the config in force names; the other is a 404.
            assertEquals(1, (get("/old") == 200 ? 1 : 0) + (get("/new") == 200 ? 1 : 0));
            assertEquals(502, get("/down"));
            assertEquals(listenerRequests + 3, mbeans.getAttribute(LISTENER, "Requests"));
            // A request is counted as its response completes, just after the client has it.
            awaitAttribute(mbeans, ROUTE, "Requests", routeRequests + 1);
            awaitAttribute(mbeans, DOWN_ROUTE, "Errors", downErrors + 1);
            assertEquals(routeErrors, mbeans.getAttribute(ROUTE, "Errors"));
            assertTrue((Double) mbeans.getAttribute(ROUTE, "MeanLatencyMillis") > 0);
            assertTrue((Double) mbeans.getAttribute(ROUTE, "RecentLatencyMillis") > 0);
            awaitAttribute(mbeans, ROUTE, "ActiveRequests", 0L);
            assertTrue((Long) mbeans.getAttribute(LISTENER, "ConnectionsTotal") >= 1);
            assertTrue((Long) mbeans.getAttribute(LISTENER, "ConnectionsOpen") >= 0);
        }
    }

    @Test
    void routeBeansFollowReloads() throws Exception {
        try (JMXConnector connector = connect("admin", "s3cret")) {
            MBeanServerConnection mbeans = connector.getMBeanServerConnection();
            assertFalse(mbeans.isRegistered(EXTRA_ROUTE));
            Files.writeString(config, config("/new").replace("routes {", "routes {\n  route \"extra\" { matches { path \"/extra\" }; builtin-handler \"status\" }"));
            assertEquals(Boolean.TRUE, mbeans.invoke(SERVER, "reload", null, null));
            assertTrue(mbeans.isRegistered(EXTRA_ROUTE));
            assertEquals(200, get("/extra"));
            awaitAttribute(mbeans, EXTRA_ROUTE, "Requests", 1L);

            Files.writeString(config, config("/new"));
            assertEquals(Boolean.TRUE, mbeans.invoke(SERVER, "reload", null, null));
            assertFalse(mbeans.isRegistered(EXTRA_ROUTE));
            assertTrue(mbeans.isRegistered(ROUTE));
        }
    }

    @Test
    void refusalsByReasonAndInstalledPluginsAreReported() throws Exception {
        HttpRequest.Builder tooManyHeaders = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/new"));
        IntStream.range(0, 120).forEach(i -> tooManyHeaders.header("X-Extra-" + i, "v"));
        assertEquals(431, CLIENT.send(tooManyHeaders.build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(301, get("/moved"));
        try (JMXConnector connector = connect("monitor", "look")) {
            MBeanServerConnection mbeans = connector.getMBeanServerConnection();
            Map<String, Long> refusals = counts((TabularData) mbeans.getAttribute(name("sentinel:type=Limits"),
                    "RequestRefusals"));
            assertTrue(refusals.getOrDefault("too_many_headers", 0L) >= 1, refusals.toString());
            assertTrue(mbeans.getAttribute(name("sentinel:type=Limits"), "ConnectionRefusals") instanceof TabularData);
            Map<String, Long> decisions = counts((TabularData) mbeans.getAttribute(name("sentinel:type=Limits"),
                    "FilterDecisions"));
            assertTrue(decisions.getOrDefault("moved/redirect", 0L) >= 1, decisions.toString());

            List<String> installed = List.of((String[]) mbeans.getAttribute(name("sentinel:type=Plugins"), "Installed"));
            assertTrue(installed.contains("load-balancer round_robin (built-in)"), installed.toString());
            assertEquals(0, ((String[]) mbeans.getAttribute(name("sentinel:type=Plugins"), "Problems")).length);
        }
    }

    @Test
    void drainFailsHealthAndClosesConnectionsUntilResumed() throws Exception {
        try (JMXConnector connector = connect("admin", "s3cret")) {
            MBeanServerConnection mbeans = connector.getMBeanServerConnection();
            String healthPath = get("/new") == 200 ? "/new" : "/old";
            assertEquals(Boolean.FALSE, mbeans.getAttribute(SERVER, "Draining"));
            mbeans.invoke(SERVER, "drain", null, null);
            try {
                assertEquals(Boolean.TRUE, mbeans.getAttribute(SERVER, "Draining"));
                HttpResponse<String> draining = CLIENT.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + httpPort + healthPath)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(503, draining.statusCode());
                assertEquals("{\"status\":\"draining\"}", draining.body());
                assertEquals("close", draining.headers().firstValue("Connection").orElse(""), draining.headers().toString());
                awaitAttribute(mbeans, SERVER, "ActiveRequests", 0L);
            } finally {
                mbeans.invoke(SERVER, "resume", null, null);
            }
            assertEquals(Boolean.FALSE, mbeans.getAttribute(SERVER, "Draining"));
            assertEquals(200, get(healthPath));
        }
    }

    @Test
    void drainSendsHttp2ClientsAGracefulGoAway() throws Exception {
        HTTP2Client h2c = new HTTP2Client();
        h2c.start();
        try (JMXConnector connector = connect("admin", "s3cret")) {
            MBeanServerConnection mbeans = connector.getMBeanServerConnection();
            CompletableFuture<GoAwayFrame> goAway = new CompletableFuture<>();
            Session session = h2c.connect(new InetSocketAddress("127.0.0.1", httpPort), new Session.Listener() {
                @Override
                public void onGoAway(Session session, GoAwayFrame frame) {
                    goAway.complete(frame);
                }
            }).get(10, TimeUnit.SECONDS);
            String healthPath = get("/new") == 200 ? "/new" : "/old";
            assertEquals(200, status(session, healthPath));
            assertFalse(goAway.isDone(), "no GOAWAY before the drain");
            mbeans.invoke(SERVER, "drain", null, null);
            try {
                // The request in hand is still answered on this connection; the connection then ends.
                assertEquals(503, status(session, healthPath));
                assertEquals(ErrorCode.NO_ERROR.code, goAway.get(10, TimeUnit.SECONDS).getError());
            } finally {
                mbeans.invoke(SERVER, "resume", null, null);
            }
        } finally {
            h2c.stop();
        }
    }

    /** One bodiless GET on an HTTP/2 session; the response's status. */
    private static int status(Session session, String path) throws Exception {
        MetaData.Request request = new MetaData.Request("GET", HttpURI.from("http://127.0.0.1:" + httpPort + path),
                HttpVersion.HTTP_2, HttpFields.EMPTY);
        CompletableFuture<Integer> status = new CompletableFuture<>();
        session.newStream(new HeadersFrame(request, null, true), new Stream.Listener() {
            @Override
            public void onHeaders(Stream stream, HeadersFrame frame) {
                if (frame.getMetaData() instanceof MetaData.Response response) {
                    status.complete(response.getStatus());
                }
                stream.demand();
            }

            @Override
            public void onDataAvailable(Stream stream) {
                Stream.Data data = stream.readData();
                if (data != null) {
                    data.release();
                }
                if (data == null || !data.frame().isEndStream()) {
                    stream.demand();
                }
            }
        });
        return status.get(10, TimeUnit.SECONDS);
    }

    @Test
    void theMonitorRoleCannotDrain() throws Exception {
        try (JMXConnector connector = connect("monitor", "look")) {
            assertThrows(SecurityException.class,
                    () -> connector.getMBeanServerConnection().invoke(SERVER, "drain", null, null));
        }
    }

    @Test
    void jettyComponentsAreExportedBesideSentinel() throws Exception {
        try (JMXConnector connector = connect("monitor", "look")) {
            Set<ObjectName> jetty = connector.getMBeanServerConnection().queryNames(name("org.eclipse.jetty.server:*"), null);
            assertTrue(jetty.stream().anyMatch(n -> n.toString().contains("serverconnector")), jetty.toString());
        }
    }

    @Test
    void aWrongPasswordIsRefusedAndTheMonitorRoleCannotReload() throws Exception {
        assertThrows(SecurityException.class, () -> connect("admin", "wrong").close());
        try (JMXConnector connector = connect("monitor", "look")) {
            assertThrows(SecurityException.class,
                    () -> connector.getMBeanServerConnection().invoke(SERVER, "reload", null, null));
        }
    }

    private static JMXConnector connect(String user, String password) throws Exception {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        return JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, new String[] {user, password}));
    }

    private static void awaitAttribute(MBeanServerConnection mbeans, ObjectName bean, String attribute, Object expected)
            throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
        while (!expected.equals(mbeans.getAttribute(bean, attribute))) {
            if (System.nanoTime() > deadline) {
                assertEquals(expected, mbeans.getAttribute(bean, attribute), bean + " " + attribute);
            }
            Thread.sleep(10);
        }
    }

    /** An MXBean's {@code Map<String, Long>} as JMX clients receive it: a table of key/value rows. */
    private static Map<String, Long> counts(TabularData table) {
        Map<String, Long> counts = new HashMap<>();
        for (Object row : table.values()) {
            CompositeData entry = (CompositeData) row;
            counts.put((String) entry.get("key"), (Long) entry.get("value"));
        }
        return counts;
    }

    private static int get(String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String config(String path) {
        return """
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                routes {
                  route "r" { matches { path "%s" }; builtin-handler "health" }
                  route "down" { matches { path "/down" }; upstream "down" }
                  route "moved" { matches { path "/moved" }; builtin-handler "status"; filters "moved" }
                }
                filters { filter "moved" { type "redirect"; replace-full-path "/new"; status-code 301 } }
                upstreams { upstream "down" { target "127.0.0.1:%d" } }
                """.formatted(httpPort, path, downPort);
    }

    private static ObjectName name(String text) {
        try {
            return new ObjectName(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}

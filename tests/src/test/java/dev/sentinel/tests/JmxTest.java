package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Dist;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Remote JMX as an operator uses it: loopback, a password, the sentinel domain, reload(). */
class JmxTest {
    private static final ObjectName SERVER = name("sentinel:type=Server");
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
        config = dir.resolve("sentinel.kdl");
        Files.writeString(config, config("/old"));
        sentinel = Sentinel.start(Dist.home(), config,
                Map.of("SENTINEL_JMX_PORT", Integer.toString(jmxPort), "SENTINEL_JMX_PASSWORD_FILE", passwords.toString()),
                "run", "-c", config.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        sentinel.close();
    }

    @Test
    void readsServerAttributesAndReloadsThroughJmx() throws Exception {
        try (JMXConnector connector = connect("admin", "s3cret")) {
            MBeanServerConnection mbeans = connector.getMBeanServerConnection();
            assertEquals(config.toString(), mbeans.getAttribute(SERVER, "ConfigSource"));
            String hashBefore = (String) mbeans.getAttribute(SERVER, "ConfigSha256");
            assertEquals(64, hashBefore.length());
            assertEquals(1, mbeans.getAttribute(SERVER, "RouteCount"));

            Files.writeString(config, config("/new"));
            assertEquals(Boolean.TRUE, mbeans.invoke(SERVER, "reload", null, null));
            assertFalse(hashBefore.equals(mbeans.getAttribute(SERVER, "ConfigSha256")));
            assertEquals(1L, mbeans.getAttribute(SERVER, "ReloadsSucceeded"));
            assertEquals(200, get("/new"));

            Files.writeString(config, "routes {");
            assertEquals(Boolean.FALSE, mbeans.invoke(SERVER, "reload", null, null));
            assertEquals(1L, mbeans.getAttribute(SERVER, "ReloadsFailed"));
            assertEquals(200, get("/new"));
            Files.writeString(config, config("/new"));
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

    private static int get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String config(String path) {
        return """
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                routes { route "r" { matches { path "%s" }; builtin-handler "health" } }
                """.formatted(httpPort, path);
    }

    private static ObjectName name(String text) {
        try {
            return new ObjectName(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}

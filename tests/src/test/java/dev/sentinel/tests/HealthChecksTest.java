package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.AdminUpstreams;
import dev.sentinel.tests.support.Await;
import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Dist;
import dev.sentinel.tests.support.GrpcHealthServer;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Active health checks against real backends that turn unhealthy, die and come back: HTTP, TCP and the
 * standard gRPC health protocol; what /admin/upstreams, the metrics and the MBeans show meanwhile.
 */
class HealthChecksTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration SOON = Duration.ofSeconds(15);

    private static final AtomicInteger HEALTH_A = new AtomicInteger(200);
    @AutoClose
    private static Backend a;
    @AutoClose
    private static Backend b;
    @AutoClose
    private static Backend c;
    @AutoClose
    private static Backend d;
    private static int dPort;
    @AutoClose
    private static GrpcHealthServer grpc;
    @AutoClose
    private static Sentinel sentinel;
    private static int port;
    private static int jmxPort;

    @BeforeAll
    static void start() throws Exception {
        a = withHealth(HEALTH_A);
        b = withHealth(new AtomicInteger(200));
        c = Backend.echo();
        d = Backend.echo();
        dPort = d.port();
        grpc = new GrpcHealthServer();
        port = Ports.free();
        jmxPort = Ports.free();
        Path dir = Files.createTempDirectory("sentinel-health");
        Path passwords = dir.resolve("jmxremote.password");
        Files.writeString(passwords, "admin s3cret\n");
        Files.setPosixFilePermissions(passwords, PosixFilePermissions.fromString("rw-------"));
        Path config = dir.resolve("sentinel.kdl");
        Files.writeString(config, """
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                routes {
                  route "admin" { matches { path "/admin/upstreams" }; builtin-handler "upstreams" }
                  route "metrics" { matches { path "/metrics" }; builtin-handler "metrics" }
                  route "http" { matches { path-prefix "/http" }; upstream "http" }
                  route "tcp" { matches { path-prefix "/tcp" }; upstream "tcp" }
                }
                upstreams {
                  upstream "http" {
                    target "%s"; target "%s"
                    health-check {
                      type "http" { path "/health"; expected-status 200 }
                      interval-secs 1; timeout-secs 1; healthy-threshold 2; unhealthy-threshold 2
                    }
                  }
                  upstream "tcp" {
                    target "%s"; target "%s"
                    health-check { type "tcp"; interval-secs 1; timeout-secs 1; healthy-threshold 1; unhealthy-threshold 1 }
                  }
                  upstream "grpc" {
                    target "%s"
                    health-check {
                      type "grpc" { service "shop.Cart" }
                      interval-secs 1; timeout-secs 1; healthy-threshold 1; unhealthy-threshold 1
                    }
                  }
                }
                """.formatted(port, a.address(), b.address(), c.address(), d.address(), grpc.address()));
        sentinel = Sentinel.start(Dist.home(), config,
                Map.of("SENTINEL_JMX_PORT", Integer.toString(jmxPort), "SENTINEL_JMX_PASSWORD_FILE", passwords.toString()),
                "run", "-c", config.toString());
    }

    @Test
    void failingHttpCheckTakesATargetOutAndPassingChecksBringItBack() throws Exception {
        HEALTH_A.set(503);
        Await.until("a unhealthy", SOON, () -> target("http", a.address()).contains("\"health\":\"unhealthy\""));
        assertTrue(target("http", a.address()).contains("\"last_check_failure\":\"status 503\""));
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = get("/http/x");
            assertEquals(200, response.statusCode());
            assertEquals(Integer.toString(b.port()), response.headers().firstValue("X-Backend-Port").orElseThrow());
        }
        String metrics = get("/metrics").body();
        assertTrue(metrics.lines().anyMatch(line -> line.startsWith("sentinel_upstream_target_healthy{")
                && line.contains("target=\"" + a.address() + "\"") && line.endsWith(" 0.0")), metrics);
        assertTrue(metrics.lines().anyMatch(line -> line.startsWith("sentinel_upstream_state_changes_total{")
                && line.contains("change=\"unhealthy\"") && line.contains("target=\"" + a.address() + "\"")), metrics);

        HEALTH_A.set(200);
        Await.until("a healthy again", SOON, () -> target("http", a.address()).contains("\"available\":true"));
        Await.until("a takes traffic again", SOON, () -> get("/http/y").headers().firstValue("X-Backend-Port")
                .orElseThrow().equals(Integer.toString(a.port())));
        assertEquals(1, sentinel.output().lines().filter(l -> l.contains("target " + a.address() + ": unhealthy")).count(),
                "each change is logged once:\n" + sentinel.output());
    }

    @Test
    void aKilledTargetIsCheckedOutTrafficFlowsWithoutErrorsAndItsRevivalIsNoticed() throws Exception {
        d.close();
        Await.until("d unhealthy", SOON, () -> target("tcp", "127.0.0.1:" + dPort).contains("\"health\":\"unhealthy\""));
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = get("/tcp/x");
            assertEquals(200, response.statusCode(), "no client-visible error once the dead target is out");
            assertEquals(Integer.toString(c.port()), response.headers().firstValue("X-Backend-Port").orElseThrow());
        }
        d = Backend.startOn(dPort, (r, response, callback) -> {
            response.getHeaders().put("X-Backend-Port", Integer.toString(dPort));
            Backend.text(response, callback, 200, "revived");
        });
        Await.until("d healthy", SOON, () -> target("tcp", "127.0.0.1:" + dPort).contains("\"available\":true"));
        Await.until("d takes traffic", SOON, () -> "revived".equals(get("/tcp/z").body()));
    }

    @Test
    void grpcHealthCheckSpeaksTheStandardProtocol() throws Exception {
        String seen = grpc.take();
        assertEquals("HTTP/2.0 /grpc.health.v1.Health/Check application/grpc \"shop.Cart\"", seen);
        Await.until("grpc target healthy", SOON, () -> target("grpc", grpc.address()).contains("\"last_check_failure\":null"));
        grpc.status.set(GrpcHealthServer.NOT_SERVING);
        Await.until("grpc target unhealthy", SOON, () -> target("grpc", grpc.address())
                .contains("\"health\":\"unhealthy\""));
        assertTrue(target("grpc", grpc.address()).contains("\"last_check_failure\":\"serving status 2\""));
        grpc.status.set(GrpcHealthServer.SERVING);
        Await.until("grpc target healthy again", SOON, () -> target("grpc", grpc.address())
                .contains("\"health\":\"healthy\""));
    }

    @Test
    void operatorsDisableAndEnableATargetThroughJmx() throws Exception {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        try (JMXConnector connector = JMXConnectorFactory.connect(url,
                Map.of(JMXConnector.CREDENTIALS, new String[] {"admin", "s3cret"}))) {
            MBeanServerConnection mbeans = connector.getMBeanServerConnection();
            ObjectName name = new ObjectName("sentinel:type=Target,upstream=tcp,name=" + ObjectName.quote(c.address()));
            assertTrue(mbeans.isRegistered(new ObjectName("sentinel:type=Upstream,name=tcp")));
            assertEquals(2, mbeans.getAttribute(new ObjectName("sentinel:type=Upstream,name=tcp"), "TargetCount"));
            assertEquals("none", mbeans.getAttribute(name, "BreakerState"));
            mbeans.invoke(name, "disable", null, null);
            assertEquals(true, mbeans.getAttribute(name, "Disabled"));
            assertTrue(target("tcp", c.address()).contains("\"disabled\":true"));
            mbeans.invoke(name, "enable", null, null);
            assertEquals(false, mbeans.getAttribute(name, "Disabled"));
            assertTrue(target("tcp", c.address()).contains("\"disabled\":false"));
        }
    }

    /** The JSON object of one target in /admin/upstreams. */
    static String target(String upstream, String address) throws Exception {
        return AdminUpstreams.target(port, upstream, address);
    }

    /** An echoing backend whose {@code /health} answers {@code health}. */
    private static Backend withHealth(AtomicInteger health) throws Exception {
        Backend[] self = new Backend[1];
        self[0] = Backend.start((r, response, callback) -> {
            if (r.uri().equals("/health")) {
                Backend.text(response, callback, health.get(), "health");
                return;
            }
            response.getHeaders().put("X-Backend-Port", Integer.toString(self[0].port()));
            Backend.text(response, callback, 200, "ok");
        });
        return self[0];
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

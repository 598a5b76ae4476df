package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Dist;
import dev.sentinel.tests.support.Dist.Result;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins as an operator installs them: the example plugin (built by plugins/example-plugin like a
 * third-party jar) dropped into the {@code plugins/} of a private installation, beside a corrupt jar.
 */
class PluginsTest {
    private static final List<String> BUILT_INS = List.of("adaptive", "consistent_hash", "ip_hash", "least_connections",
            "maglev", "p2c", "peak_ewma", "random", "round_robin", "sticky", "weighted", "weighted_least_connections");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;
    private Path home;
    private String exampleJar;

    /** bin, lib and etc linked to the build's; plugins/ of its own, holding the example and a corrupt jar. */
    @BeforeEach
    void privateHome() throws Exception {
        home = Files.createDirectories(tmp.resolve("home"));
        for (String dir : List.of("bin", "lib", "etc")) {
            Files.createSymbolicLink(home.resolve(dir), Dist.home().resolve(dir));
        }
        Path example = Path.of(System.getProperty("sentinel.examplePlugin"));
        assertTrue(Files.isRegularFile(example), "the build makes the example plugin: " + example);
        exampleJar = example.getFileName().toString();
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        Files.copy(example, plugins.resolve(exampleJar));
        Files.writeString(plugins.resolve("broken.jar"), "PK this is not a jar");
    }

    @Test
    void pluginsListsTheBuiltInsAndTheExampleAndNamesTheCorruptJar() throws Exception {
        Result result = Dist.run(home, "plugins");
        assertEquals(1, result.exitCode(), "a skipped jar makes the listing fail:\n" + result.output());
        for (String type : BUILT_INS) {
            assertTrue(Pattern.compile("(?m)^load-balancer +" + type + " +built-in +\\S").matcher(result.output()).find(),
                    type + " missing:\n" + result.output());
        }
        assertTrue(Pattern.compile("(?m)^load-balancer +example_failover +plugins/" + Pattern.quote(exampleJar) + " +example plugin")
                .matcher(result.output()).find(), result.output());
        assertTrue(Pattern.compile("(?m)^filter +example_maintenance +plugins/" + Pattern.quote(exampleJar) + " +example plugin")
                .matcher(result.output()).find(), result.output());
        assertTrue(result.output().contains("sentinel: plugins/broken.jar: not a readable jar ("), result.output());
    }

    @Test
    void theExampleFilterAnswersItselfOrLetsTheBypassThroughMarked() throws Exception {
        int port = Ports.free();
        try (Backend backend = Backend.echo()) {
            Path config = Files.writeString(tmp.resolve("sentinel.kdl"), """
                    system { worker-threads 1 }
                    listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                    filters {
                      filter "maintenance" { type "example-maintenance"; bypass-header "X-Staff"; retry-after "10m" }
                    }
                    routes { route "all" { matches { path-prefix "/" }; upstream "app"; filters "maintenance" } }
                    upstreams { upstream "app" { target "%s" } }
                    """.formatted(port, backend.address()));
            try (Sentinel sentinel = Sentinel.start(home, config, "run", "-c", config.toString())) {
                HttpResponse<String> closed = get(port);
                assertEquals(503, closed.statusCode(), closed.body());
                assertEquals("600", closed.headers().firstValue("Retry-After").orElseThrow());
                assertTrue(closed.body().startsWith("{\"error\":\"down for maintenance\",\"status\":503,\"trace_id\":\""),
                        closed.body());
                assertTrue(closed.headers().firstValue("X-Maintenance").isEmpty(), "the deciding filter's own reply "
                        + "does not go through its response phase");

                HttpResponse<String> bypassed = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x"))
                        .header("X-Staff", "secret").timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, bypassed.statusCode(), bypassed.body());
                assertEquals("bypassed", bypassed.headers().firstValue("X-Maintenance").orElseThrow());
                assertEquals(1, backend.receivedCount(), "the refused request never reached the upstream");
                Backend.Received received = backend.take();
                assertEquals(null, received.header("X-Staff"), "the bypass secret never reaches the upstream");
                assertEquals("1", received.header("X-Example-Bypassed"));
            }
        }
    }

    @Test
    void theExamplePluginPlacesRealTrafficAndLearnsFromFailures() throws Exception {
        int port = Ports.free();
        try (Backend primary = Backend.echo(); Backend backup = Backend.echo()) {
            Path config = Files.writeString(tmp.resolve("sentinel.kdl"), """
                    system { worker-threads 1 }
                    listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                    routes { route "all" { matches { path-prefix "/" }; upstream "app" } }
                    upstreams {
                      upstream "app" {
                        target "127.0.0.1:%d"
                        target "%s"
                        target "%s"
                        load-balancing "example-failover" { max-failures 1; cooldown "1h" }
                      }
                    }
                    """.formatted(port, Ports.free(), primary.address(), backup.address()));
            try (Sentinel sentinel = Sentinel.start(home, config, "run", "-c", config.toString())) {
                assertTrue(sentinel.output().contains("plugins/broken.jar: not a readable jar"), sentinel.output());
                assertTrue(sentinel.output().contains("example_failover (plugins/" + exampleJar + ")"), sentinel.output());

                assertEquals(502, get(port).statusCode(), "the first target has nothing listening");
                for (int i = 0; i < 10; i++) {
                    HttpResponse<String> response = get(port);
                    assertEquals(200, response.statusCode(), response.body());
                    assertEquals(Integer.toString(primary.port()), response.headers().firstValue("X-Backend-Port")
                            .orElseThrow(), "benched after its failure, the first target is passed over for the second, "
                            + "never the third");
                }
                assertEquals(0, backup.receivedCount());
            }
        }
    }

    @Test
    void testChecksThePluginsSettingsWithTheirLocation() throws Exception {
        Path config = Files.writeString(tmp.resolve("typo.kdl"), """
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:18080" } }
                upstreams {
                  upstream "app" {
                    target "127.0.0.1:18081"
                    load-balancing "example_failover" { max-failurs 2; cooldown "2d" }
                  }
                  upstream "other" { target "127.0.0.1:18082"; load-balancing "example_failsafe" }
                }
                """);
        Result result = Dist.run(home, "test", "-c", config.toString());
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains(config + ":6:65: 'cooldown' must be at most a day"), result.output());
        assertTrue(result.output().contains(config + ":8:63: load-balancing \"example_failsafe\" is unknown; available: "
                + "adaptive, consistent_hash, example_failover, ip_hash"), result.output());

        Files.writeString(config, Files.readString(config).replace("cooldown \"2d\"", "cooldown \"2h\"")
                .replace("example_failsafe", "example_failover"));
        result = Dist.run(home, "test", "-c", config.toString());
        assertTrue(result.output().contains(config + ":6:41: unknown key 'max-failurs' in load-balancing "
                + "\"example_failover\" in upstream \"app\"; accepted keys: max-failures, cooldown"), result.output());
    }

    private static HttpResponse<String> get(int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

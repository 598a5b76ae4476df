package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sentinel.spi.LoadBalancerProvider;
import dev.sentinel.tests.balancers.ThrowingBalancerProvider;
import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Dist;
import dev.sentinel.tests.support.PluginJar;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import dev.sentinel.tests.support.h2.H2Client;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A load balancer plugin that throws is a bug Sentinel contains: the request it was asked to place fails with
 * a 500, whatever its body, and the connection and the other routes go on being served.
 */
class BalancerFailuresTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path tmp;

    @AutoClose
    private static Backend backend;
    @AutoClose
    private static Sentinel sentinel;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        for (String dir : List.of("bin", "lib", "etc")) {
            Files.createSymbolicLink(home.resolve(dir), Dist.home().resolve(dir));
        }
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        PluginJar.write(plugins.resolve("test-balancers.jar"), LoadBalancerProvider.class,
                ThrowingBalancerProvider.class, ThrowingBalancerProvider.class);
        backend = Backend.echo();
        port = Ports.free();
        Path config = Files.writeString(tmp.resolve("sentinel.kdl"), """
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                routes {
                  route "buggy" { matches { path-prefix "/buggy" }; upstream "buggy" }
                  route "all" { matches { path-prefix "/" }; upstream "fine" }
                }
                upstreams {
                  upstream "buggy" { target "%s"; load-balancing "test_throwing" }
                  upstream "fine" { target "%s" }
                }
                """.formatted(port, backend.address(), backend.address()));
        sentinel = Sentinel.start(home, config, "run", "-c", config.toString());
    }

    @Test
    void aRequestTheBalancerCannotPlaceGets500() throws Exception {
        assertEquals(500, RawHttp1.get(port, "/buggy").status());
        assertEquals(200, RawHttp1.get(port, "/after").status());
        assertEquals("/after", backend.take().uri());
    }

    @Test
    void anHttp2RequestWithABodyTheBalancerCannotPlaceGets500AndItsConnectionGoesOn() throws Exception {
        try (H2Client h2 = H2Client.connect(port)) {
            h2.send(1, h2.request("POST", "/buggy"), "a body of no declared length");
            assertEquals(500, h2.awaitStatus(1, WAIT));
            h2.get(3, "/after-h2");
            assertEquals(200, h2.awaitStatus(3, WAIT));
        }
        assertEquals("/after-h2", backend.take().uri());
    }
}

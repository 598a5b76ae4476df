package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Dist;
import dev.sentinel.tests.support.Dist.Result;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built tarball, unpacked somewhere else, is a working installation on its own. */
class TarballTest {
    @TempDir
    static Path unpackDir;
    private static Path root;

    @BeforeAll
    static void unpack() throws Exception {
        root = untar(unpackDir);
    }

    @Test
    void unpacksIntoOneVersionedDirectoryWithTheDistributionLayout() throws Exception {
        try (Stream<Path> top = Files.list(unpackDir)) {
            assertEquals(List.of(root), top.toList(), "one top-level directory");
        }
        assertEquals("sentinel-0.1.0-SNAPSHOT", root.getFileName().toString());
        assertTrue(Files.isExecutable(root.resolve("bin/sentinel.sh")), "bin/sentinel.sh is executable");
        assertTrue(Files.isRegularFile(root.resolve("bin/java-env.sh")), "bin/java-env.sh");
        assertTrue(Files.isRegularFile(root.resolve("etc/sentinel.kdl")), "etc/sentinel.kdl");
        assertEquals(Files.readString(Dist.home().resolve("etc/sentinel.kdl")), Files.readString(root.resolve("etc/sentinel.kdl")));
        assertTrue(Files.isDirectory(root.resolve("logs")), "logs/");
        assertTrue(Files.isRegularFile(root.resolve("LICENSE")), "LICENSE");
        if (Files.exists(Dist.home().resolve("README.md"))) {
            assertTrue(Files.isRegularFile(root.resolve("README.md")), "README.md");
        }
        assertTrue(jars("sentinel-server-").size() == 1, "one lib/sentinel-server-*.jar");
        assertTrue(jars("sentinel-spi-").size() == 1, "one lib/sentinel-spi-*.jar");
        assertTrue(jars("sentinel-balancers-").size() == 1, "the built-in load balancers are in lib/");
        assertTrue(jars("jetty-server-").size() == 1, "the runtime dependencies are in lib/");
    }

    @Test
    void hasAnEmptyPluginsDirectory() {
        assertTrue(Files.isDirectory(root.resolve("plugins")), "plugins/");
    }

    @Test
    void validatesConfigsWithTheUnpackedScript() throws Exception {
        Result shipped = Dist.run(root, "test");
        assertEquals(0, shipped.exitCode(), shipped.output());
        assertEquals("sentinel: configuration " + root.resolve("etc/sentinel.kdl")
                + " is valid: 2 listener(s), 3 route(s), 0 upstream(s)", shipped.output().strip());

        Path broken = Files.writeString(root.resolve("etc/broken.kdl"),
                "system { worker-threads 1 }\nlisteners { listener \"l\" { adress \"127.0.0.1:1\" } }\n");
        Result refused = Dist.run(root, "test", "-c", broken.toString());
        assertEquals(1, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains(broken + ":2:28: unknown key 'adress'"), refused.output());
    }

    @Test
    void proxiesToABackendFromTheUnpackedDirectory() throws Exception {
        int port = Ports.free();
        try (Backend backend = Backend.echo()) {
            Path config = Files.writeString(root.resolve("etc/proxy.kdl"), """
                    system { worker-threads 1 }
                    listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                    routes { route "all" { matches { path-prefix "/" }; upstream "be" } }
                    upstreams { upstream "be" { target "%s" } }
                    """.formatted(port, backend.address()));
            Result test = Dist.run(root, "test", "-c", config.toString());
            assertEquals(0, test.exitCode(), test.output());
            try (Sentinel sentinel = Sentinel.start(root, config, "run", "-c", config.toString())) {
                HttpResponse<String> response = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/from/tarball?q=1")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), response.body());
                assertEquals("GET /from/tarball?q=1 ", response.body());
                assertEquals("/from/tarball?q=1", backend.take().uri());
                assertTrue(sentinel.output().contains("from " + config), sentinel.output());
            }
        }
    }

    @Test
    void worksWhenInstalledUnderAPathWithASpace(@TempDir Path tmp) throws Exception {
        Path spaced = Files.createDirectories(tmp.resolve("opt dir"));
        Path home = untar(spaced);
        Result result = Dist.run(home, "test");
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("is valid"), result.output());
    }

    private static List<Path> jars(String prefix) throws IOException {
        try (Stream<Path> lib = Files.list(root.resolve("lib"))) {
            return lib.filter(p -> p.getFileName().toString().startsWith(prefix) && p.toString().endsWith(".jar")).toList();
        }
    }

    /** {@code tar xzf} the tarball into {@code dir}; returns its single top-level directory. */
    private static Path untar(Path dir) throws Exception {
        Path tarball = Dist.tarball();
        assertTrue(Files.isRegularFile(tarball), "no tarball at " + tarball);
        Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(tar.waitFor(60, TimeUnit.SECONDS), "tar did not finish");
        assertEquals(0, tar.exitValue(), out);
        try (Stream<Path> top = Files.list(dir)) {
            return top.filter(Files::isDirectory).findFirst().orElseThrow(() -> new AssertionError("tar made no directory"));
        }
    }
}

package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/sentinel.sh}: usage, and the background lifecycle ({@code test} diagnostics: {@link ConfigCheckTest}). */
class CliTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path tmp;
    private Path home;
    private Path pidFile;

    // ---- usage ------------------------------------------------------------------------------

    @Test
    void helpListsEveryCommandAndExitsZero() throws Exception {
        Result result = Dist.run("--help");
        assertEquals(0, result.exitCode(), result.output());
        for (String command : List.of("run", "start", "stop", "status", "reload", "test")) {
            assertTrue(result.output().contains("bin/sentinel.sh " + command), command + " missing:\n" + result.output());
        }
    }

    @Test
    void helpPrintsOnlyTheUsageText() throws Exception {
        Result result = Dist.run("--help");
        assertFalse(result.output().contains("set -euo pipefail"), result.output());
    }

    @Test
    void anUnknownCommandOrArgumentIsRefused() throws Exception {
        Result command = Dist.run("frobnicate");
        assertEquals(1, command.exitCode(), command.output());
        assertTrue(command.output().contains("unknown command 'frobnicate'"), command.output());

        Result argument = Dist.run("test", "--verbose");
        assertEquals(1, argument.exitCode(), argument.output());
        assertTrue(argument.output().contains("unexpected argument '--verbose'"), argument.output());

        Result none = Dist.run();
        assertEquals(2, none.exitCode(), none.output());
        assertTrue(none.output().contains("bin/sentinel.sh start"), none.output());
    }

    // ---- start / status / reload / stop (in a home of their own, with a unique pid file) --------

    @Test
    void startStatusAndStopManageABackgroundSentinel() throws Exception {
        int port = Ports.free();
        try (Backend backend = Backend.echo()) {
            Path config = Files.writeString(tmp.resolve("sentinel.kdl"), proxyConfig(port, "/before", backend));
            try {
                Result start = script("start", "-c", config.toString());
                assertEquals(0, start.exitCode(), start.output());
                long pid = Long.parseLong(Files.readString(pidFile).strip());
                assertTrue(start.output().contains("started (pid " + pid + ")"), start.output());
                assertTrue(read(home.resolve("logs/sentinel.out")).contains("started:"));
                assertEquals(0, script("status").exitCode());
                assertEquals("sentinel: running (pid " + pid + ")", script("status").output().strip());
                assertEquals(200, get(port, "/before/x"));

                Result again = script("start", "-c", config.toString());
                assertEquals(1, again.exitCode(), again.output());
                assertTrue(again.output().contains("already running (pid " + pid + ")"), again.output());

                Result stop = script("stop");
                assertEquals(0, stop.exitCode(), stop.output());
                assertTrue(stop.output().contains("stopped"), stop.output());
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still alive");
                Result status = script("status");
                assertEquals(3, status.exitCode(), status.output());
                assertTrue(status.output().contains("not running"), status.output());
                assertFalse(Files.exists(pidFile));
                assertEquals(-1, get(port, "/before/x"), "the port is closed after stop");
                assertEquals(1, script("reload").exitCode(), "reload when not running");
                assertEquals(0, script("stop").exitCode(), "stop when not running");
            } finally {
                stopQuietly();
            }
        }
    }

    @Test
    void startRefusesAnInvalidConfigWithItsErrors() throws Exception {
        Path config = Files.writeString(tmp.resolve("broken.kdl"),
                "system { worker-threads 1 }\nlisteners { listener \"main\" { address \"127.0.0.1:1\"; colour \"x\" } }\n");
        Result start = script("start", "-c", config.toString());
        assertEquals(1, start.exitCode(), start.output());
        assertTrue(start.output().contains(config + ":2:54: unknown key 'colour'"), start.output());
        assertTrue(start.output().contains("failed to start"), start.output());
        assertFalse(Files.exists(pidFile), "no pid file is left behind");
        assertEquals(3, script("status").exitCode());
    }

    @Test
    void reloadOfAStartedSentinelAppliesAValidConfigAndRefusesABrokenOne() throws Exception {
        int port = Ports.free();
        try (Backend backend = Backend.echo()) {
            Path config = Files.writeString(tmp.resolve("sentinel.kdl"), proxyConfig(port, "/before", backend));
            try {
                Result start = script("start", "-c", config.toString());
                assertEquals(0, start.exitCode(), start.output());
                assertReloadAppliesAValidConfigAndRefusesABrokenOne(config, port, backend,
                        () -> read(home.resolve("logs/sentinel.out")));
            } finally {
                stopQuietly();
            }
        }
    }

    @Test
    void reloadOfAForegroundSentinelAppliesAValidConfigAndRefusesABrokenOne() throws Exception {
        int port = Ports.free();
        try (Backend backend = Backend.echo()) {
            Path config = Files.writeString(tmp.resolve("sentinel.kdl"), proxyConfig(port, "/before", backend));
            try (Sentinel sentinel = Sentinel.start(home, config, "run", "-c", config.toString())) {
                Files.writeString(pidFile, Long.toString(sentinel.pid()));
                assertEquals(0, script("status").exitCode());
                assertReloadAppliesAValidConfigAndRefusesABrokenOne(config, port, backend, sentinel::output);
            }
        }
    }

    /** Reload to a moved route, then to a broken file; the log is whatever {@code log} reads. */
    private void assertReloadAppliesAValidConfigAndRefusesABrokenOne(Path config, int port, Backend backend,
            Supplier<String> log) throws Exception {
        assertEquals(200, get(port, "/before/x"));
        assertEquals(404, get(port, "/after/x"));

        Files.writeString(config, proxyConfig(port, "/after", backend));
        Result reload = script("reload");
        assertEquals(0, reload.exitCode(), reload.output());
        awaitTrue(() -> get(port, "/after/x") == 200, "the reloaded route never answered", log);
        awaitTrue(() -> log.get().contains("configuration reloaded"), "no 'configuration reloaded'", log);
        assertEquals(404, get(port, "/before/x"), "the old route is gone after the reload");

        Files.writeString(config, proxyConfig(port, "/broken", backend)
                .replace("protocol \"http\"", "protocol \"http\"; colour \"blue\""));
        reload = script("reload");
        assertEquals(0, reload.exitCode(), reload.output());
        awaitTrue(() -> log.get().contains("reload refused"), "no 'reload refused'", log);
        awaitTrue(() -> Pattern.compile(Pattern.quote(config + ":2:") + "\\d+: unknown key 'colour' in listener")
                .matcher(log.get()).find(), "the refused reload's error with its file:line", log);
        assertEquals(200, get(port, "/after/x"), "the running config keeps serving after a refused reload");
        assertEquals(404, get(port, "/broken/x"), "nothing of the refused config is in force");
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static String proxyConfig(int port, String prefix, Backend backend) {
        return """
                system { worker-threads 1; graceful-shutdown-timeout-secs 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                routes { route "r" { matches { path-prefix "%s" }; upstream "be" } }
                upstreams { upstream "be" { target "%s" } }
                """.formatted(port, prefix, backend.address());
    }

    /** A home of its own (bin, lib, etc linked to the build's) so that {@code logs/} is not shared. */
    @BeforeEach
    void privateHome() throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
        for (String dir : List.of("bin", "lib", "etc")) {
            Files.createSymbolicLink(home.resolve(dir), Dist.home().resolve(dir));
        }
        Files.createDirectories(home.resolve("logs"));
        pidFile = tmp.resolve("sentinel-" + UUID.randomUUID() + ".pid");
    }

    /** {@code bin/sentinel.sh args} in the private home, with its own {@code SENTINEL_PID_FILE}. */
    private Result script(String... args) throws IOException, InterruptedException {
        ProcessBuilder builder = Dist.script(home, args);
        builder.environment().put("SENTINEL_PID_FILE", pidFile.toString());
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/sentinel.sh " + String.join(" ", args) + " did not finish");
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private void stopQuietly() throws IOException, InterruptedException {
        if (Files.exists(pidFile)) {
            script("stop");
        }
    }

    /** The status of a GET, or -1 when nothing answers. */
    private static int get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String failure, Supplier<String> log)
            throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure + " within " + DEADLINE + "; log:\n" + log.get());
            }
            Thread.sleep(50);
        }
    }
}

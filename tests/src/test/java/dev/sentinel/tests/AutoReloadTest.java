package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sentinel.tests.support.Metrics;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code system { auto-reload #true }}: saving the config file is enough, and a bad save changes nothing. */
class AutoReloadTest {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String SUCCESS = "sentinel_config_reloads_total{result=\"success\"}";
    private static final String FAILURE = "sentinel_config_reloads_total{result=\"failure\"}";

    @Test
    void savingTheFileReloadsItAndABrokenSaveKeepsTheRunningConfig() throws Exception {
        int port = Ports.free();
        try (Sentinel sentinel = Sentinel.start(config(port, "/v1"))) {
            Path file = sentinel.configFile();
            assertEquals(200, get(port, "/v1"));

            // An editor that writes a new file and renames it over the old one.
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temp, config(port, "/v2"));
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            awaitStatus(port, "/v2", 200);
            assertEquals(404, get(port, "/v1"));
            assertEquals(1, Metrics.value(port, SUCCESS));

            Files.writeString(file, "routes {");
            awaitMetric(port, FAILURE, 1);
            assertEquals(200, get(port, "/v2"));
            assertTrue(sentinel.output().contains("reload refused, keeping the running configuration"),
                    sentinel.output());

            // In place, as most editors and `>` do.
            Files.writeString(file, config(port, "/v3"));
            awaitStatus(port, "/v3", 200);
            assertEquals(2, Metrics.value(port, SUCCESS));
            assertEquals(1, Metrics.value(port, FAILURE));
        }
    }

    @Test
    void aListenerChangeIsReportedAsNeedingARestart() throws Exception {
        int port = Ports.free();
        try (Sentinel sentinel = Sentinel.start(config(port, "/v1"))) {
            Files.writeString(sentinel.configFile(), config(port, "/v2").replace(
                    "protocol \"http\"", "protocol \"http\"; keepalive-timeout-secs 5"));
            awaitStatus(port, "/v2", 200);
            sentinel.awaitOutput("listener changes take effect only after a restart", Duration.ofSeconds(10));
        }
    }

    private static String config(int port, String path) {
        return """
                system { worker-threads 1; auto-reload #true }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                routes {
                  route "metrics" { matches { path "/metrics" }; builtin-handler "metrics" }
                  route "r" { matches { path "%s" }; builtin-handler "health" }
                }
                """.formatted(port, path);
    }

    private static int get(int port, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void awaitStatus(int port, String path, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (get(port, path) != status) {
            if (System.nanoTime() > deadline) {
                fail(path + " never answered " + status);
            }
            Thread.sleep(50);
        }
    }

    private static void awaitMetric(int port, String series, double value) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (Metrics.value(port, series) != value) {
            if (System.nanoTime() > deadline) {
                fail(series + " is " + Metrics.value(port, series) + ", expected " + value);
            }
            Thread.sleep(50);
        }
    }
}

package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.junit.jupiter.api.Test;

/** Validate-then-swap reloads under load, and graceful stop, through the real process and signals. */
class ReloadAndShutdownTest {
    private static final String BREAKS_ON_ONE_FAILURE =
            "circuit-breaker { failure-threshold 1; success-threshold 1; timeout-seconds 60; half-open-max-requests 1 }";
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void twentyReloadsUnderSteadyLoadFailNoRequest() throws Exception {
        int port = Ports.free();
        try (Backend backend = Backend.echo(); Sentinel sentinel = Sentinel.start(config(port, backend, 0))) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger served = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Thread> load = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                load.add(Thread.ofVirtual().start(() -> {
                    while (running.get()) {
                        try {
                            HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + port + "/api")).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200) {
                                served.incrementAndGet();
                            } else {
                                failures.add("status " + r.statusCode());
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                }));
            }
            for (int generation = 1; generation <= 20; generation++) {
                Files.writeString(sentinel.configFile(), config(port, backend, generation));
                sentinel.signal("HUP");
                awaitReloads(sentinel, generation);
            }
            running.set(false);
            for (Thread t : load) {
                t.join(Duration.ofSeconds(10));
            }
            assertTrue(failures.isEmpty(), "failed requests during reloads: " + failures);
            assertTrue(served.get() > 20, "only " + served.get() + " requests were served");
            HttpResponse<String> last = CLIENT.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals("20", last.headers().firstValue("X-Generation").orElse(""));
        }
    }

    @Test
    void sigtermLetsRequestsInFlightOverHttp1AndHttp2FinishThenExitsZero() throws Exception {
        int port = Ports.free();
        try (Backend backend = Backend.start((r, response, callback) -> {
            Thread.sleep(1500);
            Backend.text(response, callback, 200, "slow done");
        }); Sentinel sentinel = Sentinel.start(config(port, backend, 0))) {
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                inFlight.add(CLIENT.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/slow"))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            org.eclipse.jetty.client.HttpClient h2c = new org.eclipse.jetty.client.HttpClient(
                    new HttpClientTransportOverHTTP2(new HTTP2Client()));
            h2c.start();
            try {
                CompletableFuture<ContentResponse> overHttp2 = CompletableFuture.supplyAsync(() -> {
                    try {
                        return h2c.GET("http://127.0.0.1:" + port + "/api/slow-h2");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                for (int i = 0; i < 4; i++) {
                    backend.take();
                }
                sentinel.signal("TERM");
                for (CompletableFuture<HttpResponse<String>> response : inFlight) {
                    HttpResponse<String> r = response.get();
                    assertEquals(200, r.statusCode());
                    assertEquals("slow done", r.body());
                }
                ContentResponse h2 = overHttp2.get();
                assertEquals(HttpVersion.HTTP_2, h2.getVersion());
                assertEquals("slow done", h2.getContentAsString());
            } finally {
                h2c.stop();
            }
            assertEquals(0, sentinel.awaitExit(Duration.ofSeconds(30)), sentinel.output());
        }
    }

    @Test
    void anExchangeCutShortByRetiringTheOldConfigurationIsNotHeldAgainstTheRoute() throws Exception {
        int port = Ports.free();
        CountDownLatch release = new CountDownLatch(1);
        try (Backend backend = Backend.start((r, response, callback) -> {
            if (r.uri().startsWith("/api/held")) {
                release.await(30, TimeUnit.SECONDS);
            }
            Backend.text(response, callback, 200, "ok");
        }); Sentinel sentinel = Sentinel.start(config(port, backend, 0, 1, BREAKS_ON_ONE_FAILURE))) {
            CompletableFuture<HttpResponse<String>> held = CLIENT.sendAsync(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/held")).build(), HttpResponse.BodyHandlers.ofString());
            backend.take();
            Files.writeString(sentinel.configFile(), config(port, backend, 1, 1, BREAKS_ON_ONE_FAILURE));
            sentinel.signal("HUP");
            awaitReloads(sentinel, 1);
            // The old configuration's client stops after its grace (1 s), cutting the held exchange short.
            assertEquals(502, held.get(20, TimeUnit.SECONDS).statusCode());
            // A breaker that opens on one failure: had the cut counted, this would be a 503.
            RawHttp1.Response after = RawHttp1.get(port, "/api/after");
            assertEquals(200, after.status(), after.text() + "\n" + sentinel.output());
        } finally {
            release.countDown();
        }
    }

    private static void awaitReloads(Sentinel sentinel, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (sentinel.output().split("configuration reloaded", -1).length - 1 < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("reload " + count + " not seen:\n" + sentinel.output());
            }
            Thread.sleep(20);
        }
    }

    private static String config(int port, Backend backend, int generation) {
        return config(port, backend, generation, 20, "");
    }

    /** One route /api to the backend, its responses marked with the generation; {@code routeSettings} go inside it. */
    private static String config(int port, Backend backend, int generation, int graceSecs, String routeSettings) {
        return """
                system { worker-threads 1; graceful-shutdown-timeout-secs %d }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                routes {
                    route "api" {
                        matches { path-prefix "/api" }
                        upstream "be"
                        %s
                        policies { response-headers { set { "X-Generation" "%d" } } }
                    }
                }
                upstreams { upstream "be" { target "%s" } }
                """.formatted(graceSecs, port, routeSettings, generation, backend.address());
    }
}

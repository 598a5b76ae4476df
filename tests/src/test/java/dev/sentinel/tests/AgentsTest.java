package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.spi.AgentProvider;
import dev.sentinel.tests.agents.TestAgentProvider;
import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Dist;
import dev.sentinel.tests.support.Dist.Result;
import dev.sentinel.tests.support.PluginJar;
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
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-process agents as an operator installs them: the example plugin's {@code example_api_keys} and the
 * test's misbehaving {@code test_agent} in a private {@code plugins/}, one Sentinel in front of an echoing
 * backend. The server, not the agent, enforces timeouts and failure modes.
 */
class AgentsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path tmp;
    private static Path home;
    @AutoClose
    private static Backend backend;
    @AutoClose
    private static Sentinel sentinel;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        home = Files.createDirectories(tmp.resolve("home"));
        for (String dir : List.of("bin", "lib", "etc")) {
            Files.createSymbolicLink(home.resolve(dir), Dist.home().resolve(dir));
        }
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        Path example = Path.of(System.getProperty("sentinel.examplePlugin"));
        Files.copy(example, plugins.resolve(example.getFileName()));
        PluginJar.write(plugins.resolve("test-agents.jar"), AgentProvider.class, TestAgentProvider.class,
                TestAgentProvider.class, Class.forName("dev.sentinel.tests.agents.TestAgent"));

        backend = Backend.echo();
        port = Ports.free();
        Path config = Files.writeString(tmp.resolve("sentinel.kdl"), """
                system { worker-threads 2 }
                listeners { listener "main" { address "127.0.0.1:%d" } }
                upstreams { upstream "app" { target "%s" } }
                agents {
                    agent "keys" type="example_api_keys" { keys { "k-1" "billing" } }
                    agent "hang" type="test_agent" { mode "hang"; timeout-ms 100; failure-mode "open" }
                    agent "broken" type="test_agent" { mode "throw" }
                    agent "login" { type "test_agent"; mode "redirect" }
                    agent "body" type="test_agent" { events "request_body"; body-marker "EVIL"; max-request-body-bytes 64 }
                    agent "responses" type="test_agent" {
                        events "response_headers"
                        withhold-if-response-has "X-Backend-Port"
                    }
                    agent "stamp" type="test_agent" { events "response_headers" }
                    agent "withhold-all" type="test_agent" {
                        events "response_headers"
                        withhold-if-response-has "X-Correlation-Id"
                    }
                }
                filters {
                    filter "keys" { type "agent"; agent "keys" }
                    filter "hang-open" { type "agent"; agent "hang" }
                    filter "hang-closed" { type "agent"; agent "hang"; failure-mode "closed" }
                    filter "broken" { type "agent"; agent "broken" }
                    filter "login" { type "agent"; agent "login" }
                    filter "body" { type "agent"; agent "body" }
                    filter "withhold" { type "agent"; agent "responses" }
                    filter "stamp" { type "agent"; agent "stamp" }
                    filter "withhold-all" { type "agent"; agent "withhold-all" }
                }
                routes {
                    route "metrics" { priority "critical"; matches { path "/metrics" }; builtin-handler "metrics" }
                    route "keys" { matches { path-prefix "/keys" }; upstream "app"; filters "keys" }
                    route "open" { matches { path-prefix "/open" }; upstream "app"; filters "hang-open" }
                    route "closed" { matches { path-prefix "/closed" }; upstream "app"; filters "hang-closed" }
                    route "broken" { matches { path-prefix "/broken" }; upstream "app"; filters "broken" }
                    route "login" { matches { path-prefix "/login" }; upstream "app"; filters "login" }
                    route "body" { matches { path-prefix "/body" }; upstream "app"; filters "body" }
                    route "withhold" {
                        matches { path-prefix "/withhold" }; upstream "app"; filters "withhold"
                        circuit-breaker { failure-threshold 2 }
                    }
                    route "stamp" { matches { path-prefix "/stamp" }; upstream "app"; filters "stamp" }
                    route "withheld-status" {
                        matches { path "/withheld-status" }; builtin-handler "status"; filters "withhold-all"
                    }
                }
                """.formatted(port, backend.address()));
        sentinel = Sentinel.start(home, config, "run", "-c", config.toString());
    }

    @Test
    void anAllowedRequestReachesTheUpstreamWithTheAgentsHeaderChanges() throws Exception {
        HttpResponse<String> response = send("GET", "/keys/a", Map.of("X-Api-Key", "k-1", "X-Api-Client", "forged"), null);
        assertEquals(200, response.statusCode(), response.body());
        Backend.Received received = backend.take();
        assertEquals("/keys/a", received.uri());
        assertEquals("billing", received.header("X-Api-Client"), "the agent's value, not the client's");
        assertNull(received.header("X-Api-Key"), "the agent removed the key");
    }

    @Test
    void aDeniedRequestIsAnsweredAndNeverReachesTheUpstream() throws Exception {
        HttpResponse<String> response = send("GET", "/keys/b", Map.of("X-Api-Key", "wrong"), null);
        assertEquals(401, response.statusCode());
        assertEquals("ApiKey", response.headers().firstValue("WWW-Authenticate").orElse(null));
        assertTrue(response.body().contains("\"error\":\"a valid API key is required\""), response.body());
        backend.assertNothingReceived(Duration.ofMillis(300));
    }

    @Test
    void aRedirectIsAnsweredWithItsLocation() throws Exception {
        HttpResponse<String> response = send("GET", "/login/x", Map.of(), null);
        assertEquals(302, response.statusCode());
        assertEquals("https://login.example/?next=/login/x", response.headers().firstValue("Location").orElse(null));
        backend.assertNothingReceived(Duration.ofMillis(300));
    }

    @Test
    void aBodyWithTheMarkerIsBlockedBeforeTheUpstreamSeesAnyOfIt() throws Exception {
        HttpResponse<String> blocked = send("POST", "/body", Map.of(), "hello EVIL world");
        assertEquals(403, blocked.statusCode(), blocked.body());
        backend.assertNothingReceived(Duration.ofMillis(300));

        HttpResponse<String> allowed = send("POST", "/body", Map.of(), "hello world");
        assertEquals(200, allowed.statusCode(), allowed.body());
        Backend.Received received = backend.take();
        assertEquals("hello world", received.bodyText(), "forwarded whole after the inspection");
        assertEquals("yes", received.header("X-Body-Checked"));

        assertEquals(413, send("POST", "/body", Map.of(), "x".repeat(65)).statusCode(),
                "more than max-request-body-bytes cannot be vouched for");
        backend.assertNothingReceived(Duration.ofMillis(300));
    }

    /** The agent reads the body first, and a body too slow for the minimum rate is a timeout there too. */
    @Test
    @Timeout(30)
    void aBodyTooSlowWhileAnAgentReadsItGets408() throws Exception {
        // 10 bytes/s against the default minimum of 1024 bytes/s: the 60 bytes would take 6 s.
        String response = RawHttp1.trickleBodyUntilAnswered(port,
                "POST /body HTTP/1.1\r\nHost: sentinel\r\nContent-Length: 60\r\n\r\n", Duration.ofSeconds(5));
        assertTrue(response.startsWith("HTTP/1.1 408 "), response);
        backend.assertNothingReceived(Duration.ofMillis(300));
    }

    @Test
    void aTimeoutFailsOpenWithoutTheLateCallsChangesOrClosedWith503() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> open = send("GET", "/open", Map.of(), null);
        assertEquals(200, open.statusCode(), open.body());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 5_000, "waited the timeout, not the agent");
        Backend.Received received = backend.take();
        assertNull(received.header("X-Agent-Late"), "a late call's edits are discarded");
        assertNull(received.header("X-Agent-Saw"), "all of them");

        HttpResponse<String> closed = send("GET", "/closed", Map.of(), null);
        assertEquals(503, closed.statusCode(), "the filter's failure-mode overrides the agent's");
        assertTrue(closed.body().contains("\"status\":503"), closed.body());
        backend.assertNothingReceived(Duration.ofMillis(300));
    }

    @Test
    void anAgentThatThrowsFailsClosedByDefault() throws Exception {
        HttpResponse<String> response = send("GET", "/broken", Map.of(), null);
        assertEquals(503, response.statusCode());
        assertFalse(response.body().contains("broken agent"), "exception text never reaches the client");
        backend.assertNothingReceived(Duration.ofMillis(300));
        sentinel.awaitOutput("agent 'broken' failed on request_headers", Duration.ofSeconds(5));
    }

    @Test
    void responseHeadersAreInspectedAndADenyReplacesTheUpstreamsResponse() throws Exception {
        HttpResponse<String> stamped = send("GET", "/stamp", Map.of(), null);
        assertEquals(200, stamped.statusCode());
        assertEquals("200", stamped.headers().firstValue("X-Inspected").orElse(null));
        assertTrue(stamped.body().startsWith("GET /stamp"), stamped.body());
        backend.take();

        // Withheld answers are the agent's verdict, not upstream failures: the route's breaker stays closed.
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> withheld = send("GET", "/withhold", Map.of(), null);
            assertEquals(403, withheld.statusCode(), withheld.body());
            assertTrue(withheld.body().contains("\"error\":\"response withheld\""), withheld.body());
            assertFalse(withheld.headers().firstValue("X-Backend-Port").isPresent(), "nothing of the upstream's response");
            backend.take();
        }
    }

    @Test
    void aDenyOfABuiltinsResponseReplacesIt() throws Exception {
        HttpResponse<String> withheld = send("GET", "/withheld-status", Map.of(), null);
        assertEquals(403, withheld.statusCode(), withheld.body());
        assertTrue(withheld.body().startsWith("{\"error\":\"response withheld\""), withheld.body());
        assertEquals(String.valueOf(withheld.body().length()),
                withheld.headers().firstValue("Content-Length").orElse(null), "framed for the replacement");
    }

    @Test
    void callsAreCountedByAgentEventAndResult() throws Exception {
        send("GET", "/keys/m", Map.of("X-Api-Key", "k-1"), null);
        backend.take();
        send("GET", "/closed/m", Map.of(), null);
        String metrics = send("GET", "/metrics", Map.of(), null).body();
        assertTrue(metrics.contains("sentinel_agent_calls_total{agent=\"keys\",event=\"request_headers\",result=\"allow\"}"),
                metrics);
        assertTrue(metrics.contains("sentinel_agent_calls_total{agent=\"hang\",event=\"request_headers\",result=\"timeout\"}"),
                metrics);
        assertTrue(metrics.contains("sentinel_agent_call_duration_seconds_count{agent=\"hang\"}"), metrics);
    }

    @Test
    void testRefusesAnUnknownAgentTypeAndExternalTransportsWithTheirLocation() throws Exception {
        Path config = Files.writeString(tmp.resolve("bad.kdl"), """
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:18080" } }
                agents {
                    agent "a" type="no_such_agent"
                    agent "b" { type "auth"; grpc address="http://localhost:50051" }
                }
                """);
        Result result = Dist.run(home, "test", "-c", config.toString());
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains(config + ":4:20: agent \"a\" has type \"no_such_agent\", which is unknown; "
                + "available: example_api_keys, test_agent"), result.output());
        assertTrue(result.output().contains(config + ":5:30: 'grpc' in agent \"b\" (an external agent transport; Sentinel's "
                + "agents run in-process) is not supported yet by Sentinel"), result.output());
    }

    private static HttpResponse<String> send(String method, String path, Map<String, String> headers, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}

package dev.sentinel.server.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.server.observability.ProxyMetrics;
import dev.sentinel.spi.Decision;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.Filter;
import dev.sentinel.spi.FilterRequest;
import dev.sentinel.spi.FilterResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The filter contract over a real Jetty server and raw HTTP: order, decisions, the response phase in
 * reverse, and what a misbehaving filter gets. The upstream is played by an inner handler that echoes
 * what reached it.
 */
class FilterChainTest {
    private final ProxyMetrics metrics = new ProxyMetrics();
    private Server server;
    private LocalConnector connector;

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void requestPhaseRunsInOrderAndResponsePhaseInReverse() throws Exception {
        start(tagging("a"), tagging("b"));
        HttpTester.Response response = get("GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(200, response.getStatus());
        assertEquals("tags=[a, b]", response.getContent());
        assertEquals(List.of("b", "a"), response.getValuesList("X-Order"));
    }

    @Test
    void aDecisionAnswersAndOnlyTheFiltersThatAllowedSeeTheReply() throws Exception {
        Filter deny = (RequestPhase) request -> Decision.deny(429, "slow \"down\"").withHeader("Retry-After", "3");
        start(tagging("a"), deny, tagging("never"));
        HttpTester.Response response = get("GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(429, response.getStatus());
        assertEquals("3", response.get("Retry-After"));
        assertEquals(List.of("a"), response.getValuesList("X-Order"));
        assertTrue(response.getContent().startsWith("{\"error\":\"slow \\\"down\\\"\",\"status\":429,\"trace_id\":"),
                response.getContent());
    }

    @Test
    void redirectsAndFullRepliesAreSentAsDecided() throws Exception {
        start((RequestPhase) request -> request.path().equals("/old") ? Decision.redirect(308, "https://h/new?q=1")
                : Decision.respond(204, java.util.Map.of("Access-Control-Max-Age", "60"), null, null));
        HttpTester.Response redirect = get("GET /old HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(308, redirect.getStatus());
        assertEquals("https://h/new?q=1", redirect.get("Location"));
        HttpTester.Response preflight = get("OPTIONS /x HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(204, preflight.getStatus());
        assertEquals("60", preflight.get("Access-Control-Max-Age"));
    }

    @Test
    void aFilterMayRewriteThePathAndReadTheBodyWhichStillGoesOn() throws Exception {
        Filter rewrite = new Filter() {
            @Override
            public Decision onRequest(FilterRequest request) throws Exception {
                String body = new String(request.body(), StandardCharsets.UTF_8);
                request.setPathAndQuery("/v2" + request.path(), "seen=" + body.length());
                return body.contains("evil") ? Decision.deny(403, "no") : Decision.allow();
            }
        };
        start(rewrite);
        HttpTester.Response response = get("POST /items HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello");
        assertEquals("path=/v2/items?seen=5 body=hello", response.getContent());
        assertEquals(403, get("POST /items HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nevil").getStatus());
    }

    @Test
    void aFilterThatThrowsOrBreaksTheRulesGets500AndTheUpstreamNothing() throws Exception {
        Filter framing = (RequestPhase) request -> {
            request.setHeader("Content-Length", "0");
            return Decision.allow();
        };
        Filter escape = (RequestPhase) request -> {
            request.setPathAndQuery("/a/../../etc", null);
            return Decision.allow();
        };
        Filter silent = (RequestPhase) request -> null;
        Filter forbiddenReply = (RequestPhase) request -> Decision.deny(400, "x").withHeader("Transfer-Encoding", "chunked");
        for (Filter broken : List.of(framing, escape, silent, forbiddenReply)) {
            start(broken);
            HttpTester.Response response = get("GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
            assertEquals(500, response.getStatus(), broken.toString());
            assertTrue(response.getContent().startsWith("{\"error\":\"internal error\""), response.getContent());
            server.stop();
        }
        server.start();
    }

    @Test
    void aResponsePhaseThatThrowsLeavesTheResponseAlone() throws Exception {
        Filter throwing = new Filter() {
            @Override
            public void onResponse(Exchange request, FilterResponse response) {
                throw new IllegalStateException("boom");
            }
        };
        start(tagging("a"), throwing);
        HttpTester.Response response = get("GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(200, response.getStatus());
        assertEquals(List.of("a"), response.getValuesList("X-Order"));
    }

    /** A filter with a request phase only, written as a lambda. */
    private interface RequestPhase extends Filter {
        Decision decide(FilterRequest request) throws Exception;

        @Override
        default Decision onRequest(FilterRequest request) throws Exception {
            return decide(request);
        }
    }

    /** Adds its tag to the request on the way in, and to {@code X-Order} of the response on the way out. */
    private static Filter tagging(String tag) {
        return new Filter() {
            @Override
            public Decision onRequest(FilterRequest request) {
                request.addHeader("X-Tag", tag);
                return Decision.allow();
            }

            @Override
            public void onResponse(Exchange request, FilterResponse response) {
                response.addHeader("X-Order", tag);
            }
        };
    }

    private void start(Filter... filters) throws Exception {
        List<FilterChain.Named> named = new java.util.ArrayList<>();
        for (int i = 0; i < filters.length; i++) {
            named.add(new FilterChain.Named("f" + i, filters[i]));
        }
        FilterChain chain = new FilterChain(named, metrics);
        server = new Server();
        connector = new LocalConnector(server);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                FilterChain.Run run = chain.onRequest(request, response, "r", "u", null, "trace");
                if (!(run.decision() instanceof Decision.Allow)) {
                    Replies.write(run.decision(), run.beforeCommit(response), callback, "trace");
                    return true;
                }
                Request upstream = run.request();
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                Content.Source.asInputStream(upstream).transferTo(body);
                String echo = body.size() > 0
                        ? "path=" + upstream.getHttpURI().getPathQuery() + " body=" + body.toString(StandardCharsets.UTF_8)
                        : "tags=" + upstream.getHeaders().getValuesList("X-Tag");
                response.setStatus(200);
                run.apply(response);
                response.write(true, java.nio.ByteBuffer.wrap(echo.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        server.start();
    }

    private HttpTester.Response get(String raw) throws Exception {
        return HttpTester.parseResponse(connector.getResponse(raw));
    }
}

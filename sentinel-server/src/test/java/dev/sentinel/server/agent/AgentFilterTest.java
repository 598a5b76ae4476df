package dev.sentinel.server.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.server.config.AgentConfig;
import dev.sentinel.server.filter.FilterChain;
import dev.sentinel.server.filter.Replies;
import dev.sentinel.server.observability.ProxyMetrics;
import dev.sentinel.spi.Agent;
import dev.sentinel.spi.Decision;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.Filter;
import dev.sentinel.spi.FilterRequest;
import dev.sentinel.spi.HeaderEdits;
import dev.sentinel.spi.ResponseHead;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
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
 * Agent filters in a real filter chain over Jetty's local connector. The handler plays Sentinel's own
 * replies: a filter's decision, or a builtin handler under {@code /builtin} that writes its content in two
 * parts through the chain's {@link FilterChain.Run#beforeCommit} response.
 */
class AgentFilterTest {
    private static final Duration LONG = Duration.ofSeconds(10);
    private static final Set<AgentConfig.Event> RESPONSE = EnumSet.of(AgentConfig.Event.RESPONSE_HEADERS);

    private final ProxyMetrics metrics = new ProxyMetrics();
    private Server server;
    private LocalConnector connector;

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    @Test
    void anAgentThatDeniesABuiltinsResponseReplacesItWhole() throws Exception {
        start(agentFilter(RESPONSE, AgentConfig.FailureMode.OPEN, 1024, withholding()));
        HttpTester.Response response = get("GET /builtin HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(403, response.getStatus());
        assertTrue(response.getContent().startsWith("{\"error\":\"withheld\",\"status\":403,\"trace_id\":\"t-1\""),
                response.getContent());
        assertNull(response.get("X-Builtin"), "nothing of the builtin's head");
        assertEquals("t-1", response.get("X-Correlation-Id"), "Sentinel's stamp stays");
    }

    @Test
    void aFailedResponseCallUnderFailureModeClosedReplacesABuiltinWith503() throws Exception {
        Agent throwing = new Agent() {
            @Override
            public Decision onResponseHeaders(Exchange request, ResponseHead response, HeaderEdits edits) {
                throw new IllegalStateException("broken");
            }
        };
        start(agentFilter(RESPONSE, AgentConfig.FailureMode.CLOSED, 1024, throwing));
        HttpTester.Response response = get("GET /builtin HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(503, response.getStatus());
        assertFalse(response.getContent().contains("builtin"), response.getContent());
    }

    @Test
    void anAgentThatDeniesAFiltersReplyReplacesIt() throws Exception {
        Filter limiter = new Filter() {
            @Override
            public Decision onRequest(FilterRequest request) {
                return Decision.deny(429, "slow down").withHeader("Retry-After", "3");
            }
        };
        start(agentFilter(RESPONSE, AgentConfig.FailureMode.OPEN, 1024, withholding()), limiter);
        HttpTester.Response response = get("GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(403, response.getStatus());
        assertNull(response.get("Retry-After"), "nothing of the filter's reply");
        assertTrue(response.getContent().contains("\"error\":\"withheld\""), response.getContent());
    }

    @Test
    void aBuiltinsResponseThatTheAgentAllowsGoesOutWithItsChanges() throws Exception {
        Agent stamping = new Agent() {
            @Override
            public Decision onResponseHeaders(Exchange request, ResponseHead response, HeaderEdits edits) {
                edits.setResponseHeader("X-Inspected", "yes");
                return Decision.allow();
            }
        };
        start(agentFilter(RESPONSE, AgentConfig.FailureMode.OPEN, 1024, stamping));
        HttpTester.Response response = get("GET /builtin HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(200, response.getStatus());
        assertEquals("yes", response.get("X-Inspected"));
        assertEquals("builtin content", response.getContent());
    }

    @Test
    void aRequestPhaseReplyThatCannotBeSentFollowsTheFailureMode() throws Exception {
        Agent invalid = new Agent() {
            @Override
            public Decision onRequestHeaders(Exchange request, HeaderEdits edits) {
                return Decision.deny(403, "no").withHeader("Transfer-Encoding", "chunked");
            }
        };
        Set<AgentConfig.Event> headers = EnumSet.of(AgentConfig.Event.REQUEST_HEADERS);
        start(agentFilter(headers, AgentConfig.FailureMode.OPEN, 1024, invalid));
        HttpTester.Response open = get("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi");
        assertEquals(200, open.getStatus(), "failure-mode open allows");
        assertEquals("hi", open.getContent());
        server.stop();

        start(agentFilter(headers, AgentConfig.FailureMode.CLOSED, 1024, invalid));
        HttpTester.Response closed = get("GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(503, closed.getStatus(), "failure-mode closed answers 503, not the chain's 500");
    }

    @Test
    void aBodyWithoutALengthIsRefusedOnceItPassesTheAgentsLimitNotWhenItEnds() throws Exception {
        Set<AgentConfig.Event> body = EnumSet.of(AgentConfig.Event.REQUEST_BODY);
        start(agentFilter(body, AgentConfig.FailureMode.CLOSED, 8, new Agent() { }));
        // 16 bytes of a chunked body that never ends: reading it whole would wait for the rest.
        HttpTester.Response response = get("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "10\r\n0123456789abcdef\r\n");
        assertEquals(413, response.getStatus());

        HttpTester.Response allowed = get("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "8\r\n01234567\r\n0\r\n\r\n");
        assertEquals(200, allowed.getStatus());
        assertEquals("01234567", allowed.getContent(), "a body within the limit still goes on whole");
    }

    private static Agent withholding() {
        return new Agent() {
            @Override
            public Decision onResponseHeaders(Exchange request, ResponseHead response, HeaderEdits edits) {
                return Decision.deny(403, "withheld");
            }
        };
    }

    private AgentFilter agentFilter(Set<AgentConfig.Event> events, AgentConfig.FailureMode failureMode,
                                    long maxBodyBytes, Agent agent) {
        AgentConfig config = new AgentConfig("a", "fake", events, LONG, failureMode, maxBodyBytes, 10, () -> agent);
        GuardedAgent guarded = new GuardedAgent(config, agent, metrics);
        return new AgentFilter("f", guarded, LONG, failureMode, events, maxBodyBytes);
    }

    private void start(Filter... filters) throws Exception {
        List<FilterChain.Named> named = new ArrayList<>();
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
                response.getHeaders().put("X-Correlation-Id", "t-1");
                FilterChain.Run run = chain.onRequest(request, response, "r", "u", null, "t-1");
                if (!(run.decision() instanceof Decision.Allow)) {
                    Replies.write(run.decision(), run.beforeCommit(response), callback, "t-1");
                    return true;
                }
                if (request.getHttpURI().getPath().equals("/builtin")) {
                    Response builtin = run.beforeCommit(response);
                    builtin.setStatus(200);
                    builtin.getHeaders().put("X-Builtin", "yes");
                    builtin.getHeaders().put(HttpHeader.CONTENT_LENGTH, 15);
                    builtin.write(false, utf8("builtin "), Callback.from(
                            () -> builtin.write(true, utf8("content"), callback), callback::failed));
                    return true;
                }
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                Content.Source.asInputStream(run.request()).transferTo(body);
                response.setStatus(200);
                run.apply(response);
                response.write(true, ByteBuffer.wrap(body.toByteArray()), callback);
                return true;
            }
        });
        server.start();
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private HttpTester.Response get(String raw) throws Exception {
        String response = connector.getResponse(raw, 5, TimeUnit.SECONDS);
        assertNotNull(response, "an answer within 5 s");
        return HttpTester.parseResponse(response);
    }
}

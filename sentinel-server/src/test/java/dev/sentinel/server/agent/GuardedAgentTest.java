package dev.sentinel.server.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.server.config.AgentConfig;
import dev.sentinel.server.observability.ProxyMetrics;
import dev.sentinel.spi.Agent;
import dev.sentinel.spi.Decision;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The server's guard around agent calls, with fake agents: no sleeps beyond the short timeouts under test. */
class GuardedAgentTest {
    private static final Duration SHORT = Duration.ofMillis(50);
    private static final Duration LONG = Duration.ofSeconds(10);
    private static final AgentConfig.Event HEADERS = AgentConfig.Event.REQUEST_HEADERS;

    private final ProxyMetrics metrics = new ProxyMetrics();

    @Test
    void aTimelyAllowHandsOverItsHeaderChanges() {
        GuardedAgent agent = guarded(1);
        GuardedAgent.Outcome outcome = agent.call(HEADERS, LONG, (a, edits) -> {
            edits.setRequestHeader("X-User", "alice");
            edits.addResponseHeader("X-Checked", "yes");
            return Decision.allow();
        });
        GuardedAgent.Decided decided = assertInstanceOf(GuardedAgent.Decided.class, outcome);
        assertSame(Decision.allow(), decided.decision());
        assertEquals(List.of(new CallEdits.Edit(CallEdits.Side.REQUEST, CallEdits.Op.SET, "X-User", "alice"),
                new CallEdits.Edit(CallEdits.Side.RESPONSE, CallEdits.Op.ADD, "X-Checked", "yes")), decided.edits());
        assertTrue(scrape().contains("sentinel_agent_calls_total{agent=\"a\",event=\"request_headers\",result=\"allow\"} 1"));
    }

    @Test
    void aCallOverItsTimeoutIsInterruptedAndItsLateChangesAreRefused() throws Exception {
        GuardedAgent agent = guarded(1);
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicReference<CallEdits> callEdits = new AtomicReference<>();
        GuardedAgent.Outcome outcome = agent.call(HEADERS, SHORT, (a, edits) -> {
            callEdits.set(edits);
            edits.setRequestHeader("X-Early", "1");
            try {
                never.await();
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
            return Decision.allow();
        });
        assertEquals(new GuardedAgent.Failed("timeout"), outcome, "no decision, and no edits, from a late call");
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the late call's thread is interrupted");
        IllegalStateException late = assertThrows(IllegalStateException.class,
                () -> callEdits.get().setRequestHeader("X-Late", "1"));
        assertTrue(late.getMessage().contains("is over"), late.getMessage());
        assertTrue(scrape().contains("result=\"timeout\"} 1"));
    }

    @Test
    void anExceptionOrNoDecisionIsAnError() {
        GuardedAgent agent = guarded(1);
        assertEquals(new GuardedAgent.Failed("error"), agent.call(HEADERS, LONG, (a, edits) -> {
            throw new IllegalStateException("agent bug");
        }));
        assertEquals(new GuardedAgent.Failed("error"), agent.call(HEADERS, LONG, (a, edits) -> null));
        assertEquals(new GuardedAgent.Failed("error"), agent.call(HEADERS, LONG, (a, edits) -> {
            throw new NoSuchMethodError("built against another SPI");
        }));
        assertEquals(new GuardedAgent.Failed("error"), agent.call(HEADERS, LONG, (a, edits) -> {
            edits.setRequestHeader("Content-Length", "0");
            return Decision.allow();
        }), "a header the rules forbid fails the call");
        assertEquals(new GuardedAgent.Failed("error"), agent.call(HEADERS, LONG,
                (a, edits) -> Decision.deny(403, "no").withHeader("Transfer-Encoding", "chunked")),
                "so does a reply that breaks them");
        assertTrue(scrape().contains("result=\"error\"} 5"), scrape());
    }

    @Test
    void callsBeyondTheConcurrencyBoundAreNotMadeUntilALateOneEnds() throws Exception {
        GuardedAgent agent = guarded(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        // An agent that ignores interrupts keeps its permit until it really returns.
        assertEquals(new GuardedAgent.Failed("timeout"), agent.call(HEADERS, SHORT, (a, edits) -> {
            while (release.getCount() > 0) {
                try {
                    release.await();
                } catch (InterruptedException ignored) {
                    // a misbehaving agent
                }
            }
            ended.countDown();
            return Decision.allow();
        }));
        assertEquals(new GuardedAgent.Failed("overloaded"), agent.call(HEADERS, LONG, (a, edits) -> Decision.allow()));
        assertTrue(scrape().contains("result=\"overloaded\"} 1"), scrape());
        release.countDown();
        assertTrue(ended.await(5, TimeUnit.SECONDS));
        awaitPermit(agent);
        assertInstanceOf(GuardedAgent.Decided.class, agent.call(HEADERS, LONG, (a, edits) -> Decision.allow()));
    }

    @Test
    void aDecisionOtherThanAllowIsCountedByItsKind() {
        GuardedAgent agent = guarded(4);
        agent.call(HEADERS, LONG, (a, edits) -> Decision.deny(401, "no"));
        agent.call(AgentConfig.Event.REQUEST_BODY, LONG, (a, edits) -> Decision.redirect(302, "/login"));
        String text = scrape();
        assertTrue(text.contains("event=\"request_headers\",result=\"deny\"} 1"), text);
        assertTrue(text.contains("event=\"request_body\",result=\"redirect\"} 1"), text);
        assertTrue(text.contains("sentinel_agent_call_duration_seconds_count{agent=\"a\"} 2"), text);
    }

    private GuardedAgent guarded(int maxConcurrentCalls) {
        AgentConfig config = new AgentConfig("a", "fake", EnumSet.of(HEADERS), LONG, AgentConfig.FailureMode.CLOSED,
                1024, maxConcurrentCalls, () -> new Agent() { });
        return new GuardedAgent(config, config.factory().get(), metrics);
    }

    /** The late call's permit comes back when it returns, on its own thread (probes count as overloaded). */
    private static void awaitPermit(GuardedAgent agent) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (agent.call(HEADERS, LONG, (a, edits) -> Decision.allow()) instanceof GuardedAgent.Failed) {
            assertTrue(System.nanoTime() < deadline, "the permit came back");
            Thread.sleep(5);
        }
    }

    private String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            metrics.writeTo(out);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}

package dev.sentinel.server.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.server.config.UpstreamConfig;
import dev.sentinel.server.health.Availability;
import dev.sentinel.server.health.TargetHealth;
import dev.sentinel.server.limits.BodyLimitExceeded;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.Outcome;
import dev.sentinel.spi.Target;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.channels.AsynchronousCloseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.ClientConnector;
import org.junit.jupiter.api.Test;

/** The lease protocol between the forwarding path and a balancer, and how outcomes are classified. */
class UpstreamPoolTest {
    private static final List<Target> TARGETS = List.of(new Target("127.0.0.1", 8081, 1), new Target("127.0.0.1", 8082, 1));

    /** Records the callbacks it gets. */
    private static class Recording implements LoadBalancer {
        final List<String> calls = new ArrayList<>();
        final List<Outcome> outcomes = new ArrayList<>();
        Target choice = TARGETS.get(1);

        @Override
        public Target select(List<Target> targets, Exchange exchange) {
            calls.add("select");
            return choice;
        }

        @Override
        public void onStart(Target target) {
            calls.add("start " + target.port());
        }

        @Override
        public void onComplete(Target target, Outcome outcome) {
            calls.add("complete " + target.port());
            outcomes.add(outcome);
        }
    }

    @Test
    void aLeaseStartsOnceAndEndsOnceHoweverOftenItIsEnded() {
        Recording balancer = new Recording();
        UpstreamPool.Lease lease = pool(balancer).acquire(null);
        assertEquals(TARGETS.get(1), lease.target());
        lease.end(200, null);
        lease.end(0, null);
        lease.end(502, new ConnectException());
        assertEquals(List.of("select", "start 8082", "complete 8082"), balancer.calls);
        assertEquals(Outcome.Kind.SUCCESS, balancer.outcomes.getFirst().kind());
        assertEquals(200, balancer.outcomes.getFirst().status());
        assertTrue(!balancer.outcomes.getFirst().latency().isNegative());
    }

    @Test
    void aBalancerChoosingOutsideItsTargetsOrFailingIsRefused() {
        Recording foreign = new Recording();
        foreign.choice = new Target("169.254.169.254", 80, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool(foreign).acquire(null));
        assertTrue(e.getMessage().contains("which is not one of its targets"), e.getMessage());
        assertEquals(List.of("select"), foreign.calls, "no lease, so nothing to end");

        LoadBalancer broken = (targets, exchange) -> {
            throw new ArithmeticException("bug");
        };
        e = assertThrows(IllegalStateException.class, () -> pool(broken).acquire(null));
        assertTrue(e.getMessage().startsWith("load balancer 'test' of upstream 'u' failed"), e.getMessage());
    }

    @Test
    void aBalancerThrowingFromItsCallbacksDoesNotBreakTheExchange() {
        LoadBalancer noisy = new LoadBalancer() {
            @Override
            public Target select(List<Target> targets, Exchange exchange) {
                return targets.getFirst();
            }

            @Override
            public void onStart(Target target) {
                throw new IllegalStateException("bug");
            }

            @Override
            public void onComplete(Target target, Outcome outcome) {
                throw new IllegalStateException("bug");
            }
        };
        UpstreamPool.Lease lease = pool(noisy).acquire(null);
        lease.end(200, null);
        assertEquals(TARGETS.getFirst(), lease.target());
    }

    @Test
    void exchangesAbortedByRetiringThePoolSayNothingAboutTheTarget() {
        Recording balancer = new Recording();
        UpstreamPool pool = pool(balancer);
        UpstreamPool.Lease before = pool.acquire(null);
        UpstreamPool.Lease during = pool.acquire(null);
        UpstreamPool.Lease answered = pool.acquire(null);
        before.end(200, new EOFException("reset mid-body"));
        pool.retire();
        assertEquals(Outcome.Kind.CANCELLED, during.end(200, new AsynchronousCloseException()).kind());
        assertEquals(Outcome.Kind.SERVER_ERROR, answered.end(503, null).kind(), "an answer is still a verdict");
        TargetHealth health = pool.availability().health(TARGETS.get(1));
        assertEquals(2, health.requests(), "the aborted exchange is not counted");
        assertEquals(2, health.failures());
        assertEquals(0, health.inFlight());
    }

    @Test
    void theBalancersResponseHeadersWaitForTheLeaseThatAnswers() {
        List<String> written = new ArrayList<>();
        Exchange exchange = (Exchange) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Exchange.class}, (proxy, method, args) -> {
                    written.add(method.getName() + " " + args[0] + ": " + args[1]);
                    return null;
                });
        Recording pinning = new Recording() {
            @Override
            public Target select(List<Target> targets, Exchange exchange) {
                exchange.addResponseHeader("Set-Cookie", "srv=" + choice.port());
                exchange.setResponseHeader("X-Pinned", "yes");
                return super.select(targets, exchange);
            }
        };
        UpstreamPool pool = pool(pinning);
        UpstreamPool.Lease abandoned = pool.acquire(exchange);
        UpstreamPool.Lease answering = pool.acquire(exchange);
        assertEquals(List.of(), written, "nothing is written while the choice may still be given up");
        answering.applyResponseHeaders();
        answering.applyResponseHeaders();
        assertEquals(List.of("addResponseHeader Set-Cookie: srv=8082", "setResponseHeader X-Pinned: yes"), written,
                "the answering lease's headers, once; the abandoned lease's never");
        abandoned.end(0, new ConnectException());

        Recording framing = new Recording() {
            @Override
            public Target select(List<Target> targets, Exchange exchange) {
                exchange.addResponseHeader("Content-Length", "0");
                return super.select(targets, exchange);
            }
        };
        assertThrows(IllegalStateException.class, () -> pool(framing).acquire(exchange),
                "a header the balancer may not add fails its call at once, not the relay later");
    }

    @Test
    void outcomesAreClassifiedByStatusAndFailure() {
        assertEquals(Outcome.Kind.SUCCESS, Outcomes.kind(404, null));
        assertEquals(Outcome.Kind.SERVER_ERROR, Outcomes.kind(503, null));
        assertEquals(Outcome.Kind.CANCELLED, Outcomes.kind(0, null), "never sent");
        assertEquals(Outcome.Kind.CONNECT_FAILURE, Outcomes.kind(0, new RuntimeException(new ConnectException("refused"))));
        assertEquals(Outcome.Kind.TIMEOUT, Outcomes.kind(0, new TimeoutException()));
        assertEquals(Outcome.Kind.TIMEOUT, Outcomes.kind(200, new SocketTimeoutException()));
        assertEquals(Outcome.Kind.FAILURE, Outcomes.kind(200, new EOFException("reset mid-body")));
        assertEquals(Outcome.Kind.CANCELLED, Outcomes.kind(0, new BodyLimitExceeded(10)));
    }

    private static UpstreamPool pool(LoadBalancer balancer) {
        UpstreamConfig config = new UpstreamConfig("u", TARGETS, "test", () -> balancer,
                UpstreamConfig.Timeouts.defaults(), null);
        return new UpstreamPool(config, balancer, new UpstreamClient(TARGETS, new ClientConnector(), 1, 1, 1024),
                Availability.alwaysAvailable("u", TARGETS));
    }
}

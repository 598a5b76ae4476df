package dev.sentinel.server.agent;

import dev.sentinel.server.config.AgentConfig;
import dev.sentinel.server.filter.Replies;
import dev.sentinel.server.observability.ProxyMetrics;
import dev.sentinel.spi.Agent;
import dev.sentinel.spi.Decision;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live agent with the server's guard around every call: the call runs on a virtual thread of its own
 * while the request waits at most the timeout; on timeout the thread is interrupted and the call's
 * decision and header changes are discarded; an exception, a {@code null} decision, a decision whose reply
 * breaks the header rules ({@link Replies#validate}) or a timeout is a failure. At most
 * {@code max-concurrent-calls} calls run at once, counting late ones until they really end, so an agent
 * that ignores interrupts holds a bounded number of threads; a call beyond that is not made
 * ({@code overloaded}). Every call is counted in {@code sentinel_agent_calls_total}.
 *
 * <p>One per agent definition and configuration, shared by the filters that name it. Thread-safe.
 */
public final class GuardedAgent {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedAgent.class);

    /** What one call came to. */
    sealed interface Outcome {
    }

    /** The agent answered in time; {@code edits} are its header changes, for the server to apply on allow. */
    record Decided(Decision decision, List<CallEdits.Edit> edits) implements Outcome {
    }

    /** The agent did not answer usefully: {@code result} is {@code timeout}, {@code error} or {@code overloaded}. */
    record Failed(String result) implements Outcome {
    }

    /** The body of one call, given the call's own edits object. */
    @FunctionalInterface
    interface Call {
        Decision run(Agent agent, CallEdits edits) throws Exception;
    }

    private final AgentConfig config;
    private final Agent agent;
    private final ProxyMetrics metrics;
    private final Semaphore calls;
    private final AtomicBoolean warned = new AtomicBoolean();

    public GuardedAgent(AgentConfig config, Agent agent, ProxyMetrics metrics) {
        this.config = config;
        this.agent = agent;
        this.metrics = metrics;
        this.calls = new Semaphore(config.maxConcurrentCalls());
    }

    AgentConfig config() {
        return config;
    }

    /** Runs {@code call} under the guard, waiting at most {@code timeout}. */
    Outcome call(AgentConfig.Event event, Duration timeout, Call call) {
        if (!calls.tryAcquire()) {
            metrics.agentCalled(config.id(), event.label(), "overloaded", -1);
            warnOnce(event, "has " + config.maxConcurrentCalls() + " calls running (max-concurrent-calls); "
                    + "its failure-mode applies", null);
            return new Failed("overloaded");
        }
        CallEdits edits = new CallEdits();
        // The permit goes back before the answer is handed over, so a caller whose call returned may call
        // again at once; the thread's own finally covers a task cancelled before it ran.
        AtomicBoolean held = new AtomicBoolean(true);
        Runnable release = () -> {
            if (held.compareAndSet(true, false)) {
                calls.release();
            }
        };
        FutureTask<Decision> task = new FutureTask<>(() -> {
            try {
                return call.run(agent, edits);
            } finally {
                release.run();
            }
        });
        long start = System.nanoTime();
        try {
            Thread.ofVirtual().name("agent-" + config.id()).start(() -> {
                try {
                    task.run();
                } finally {
                    release.run();
                }
            });
        } catch (RuntimeException | OutOfMemoryError e) {
            release.run();
            return failed(event, "error", start, "could not be started", e);
        }
        try {
            Decision decision = task.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            List<CallEdits.Edit> applied = edits.close();
            if (decision == null) {
                return failed(event, "error", start, "returned no decision", null);
            }
            try {
                // Checked here so that a reply that cannot be sent is the agent's failure in every phase.
                Replies.validate(decision);
            } catch (IllegalArgumentException e) {
                return failed(event, "error", start, "returned a reply that cannot be sent", e);
            }
            metrics.agentCalled(config.id(), event.label(), result(decision), System.nanoTime() - start);
            return new Decided(decision, applied);
        } catch (TimeoutException e) {
            task.cancel(true);
            edits.close();
            return failed(event, "timeout", start, "did not answer within " + timeout.toMillis() + " ms", null);
        } catch (ExecutionException e) {
            edits.close();
            return failed(event, "error", start, "failed", e.getCause());
        } catch (InterruptedException e) {
            // The request's own thread is being stopped (the server is going down): stop the call too.
            task.cancel(true);
            edits.close();
            Thread.currentThread().interrupt();
            return failed(event, "error", start, "was abandoned: the request was interrupted", null);
        }
    }

    private Failed failed(AgentConfig.Event event, String result, long start, String what, Throwable cause) {
        metrics.agentCalled(config.id(), event.label(), result, System.nanoTime() - start);
        warnOnce(event, what, cause);
        return new Failed(result);
    }

    static String result(Decision decision) {
        return switch (decision) {
            case Decision.Allow allow -> "allow";
            case Decision.Deny deny -> "deny";
            case Decision.Redirect redirect -> "redirect";
            case Decision.Respond respond -> "respond";
        };
    }

    /** The first failure of an agent is a warning; the rest are debug lines, so a dead agent cannot flood the log. */
    private void warnOnce(AgentConfig.Event event, String what, Throwable cause) {
        if (warned.compareAndSet(false, true)) {
            LOG.warn("agent '{}' {} on {} (failure-mode applies; further failures of this agent are logged at debug)",
                    config.id(), what, event.label(), cause);
        } else {
            LOG.debug("agent '{}' {} on {}", config.id(), what, event.label(), cause);
        }
    }
}

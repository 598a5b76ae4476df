package dev.sentinel.server.upstream;

import dev.sentinel.server.config.UpstreamConfig;
import dev.sentinel.server.health.Availability;
import dev.sentinel.server.health.CircuitBreaker;
import dev.sentinel.server.health.TargetHealth;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.Outcome;
import dev.sentinel.spi.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream: its targets, its balancer and the client whose connection pools reach them. The
 * client's lifecycle belongs to whoever built the pool ({@link UpstreamClients}).
 *
 * <p>Each request {@link #acquire acquires} a {@link Lease} on the target the balancer chose and
 * {@link Lease#end ends} it when the exchange is over; the balancer sees both, which is where in-flight
 * counts and latency come from. Only targets that take traffic ({@link Availability}: healthy, not ejected,
 * not disabled, breaker admitting) are offered to the balancer; when none is left, there is no lease and
 * the request fails fast with 503.
 */
public final class UpstreamPool {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamPool.class);

    private final UpstreamConfig config;
    private final LoadBalancer balancer;
    private final UpstreamClient client;
    private final Availability availability;
    private final String scheme;
    private final AtomicBoolean warnedAboutCallbacks = new AtomicBoolean();
    private volatile boolean retired;

    UpstreamPool(UpstreamConfig config, LoadBalancer balancer, UpstreamClient client, Availability availability) {
        this.config = config;
        this.balancer = balancer;
        this.client = client;
        this.availability = availability;
        this.scheme = config.tls() == null ? "http" : "https";
    }

    public String id() {
        return config.id();
    }

    public UpstreamConfig config() {
        return config;
    }

    public UpstreamClient client() {
        return client;
    }

    public Availability availability() {
        return availability;
    }

    /**
     * The target for this request, leased until {@link Lease#end}, or {@code null} when no target takes
     * traffic. Called on the request's virtual thread.
     *
     * @throws IllegalStateException when the balancer fails or picks something that is not one of the
     *                               targets it was offered (the request then fails with a 500)
     */
    public Lease acquire(Exchange exchange) {
        return acquire(exchange, List.of());
    }

    /**
     * As {@link #acquire(Exchange)}, never choosing one of {@code excluded} (the targets a retried request
     * already tried).
     */
    public Lease acquire(Exchange exchange, Collection<Target> excluded) {
        long now = System.nanoTime();
        List<Target> targets = availability.selectable(now);
        if (!excluded.isEmpty()) {
            targets = without(targets, excluded);
        }
        while (!targets.isEmpty()) {
            ChoiceExchange choice = new ChoiceExchange(exchange);
            Target target = select(targets, choice);
            TargetHealth health = availability.health(target);
            long ticket = health.start(now);
            if (ticket != CircuitBreaker.DENIED) {
                try {
                    balancer.onStart(target);
                } catch (RuntimeException e) {
                    warnOnce("onStart", e);
                }
                return new Lease(target, health, ticket, now, choice);
            }
            // Its half-open breaker has all the probes it admits in flight: choose among the others.
            targets = without(targets, List.of(target));
        }
        return null;
    }

    private Target select(List<Target> targets, Exchange exchange) {
        Target target;
        try {
            target = balancer.select(targets, exchange);
        } catch (RuntimeException e) {
            throw new IllegalStateException(describe() + " failed to choose a target", e);
        }
        if (target == null || !targets.contains(target)) {
            throw new IllegalStateException(describe() + " chose " + target + ", which is not one of its targets");
        }
        return target;
    }

    private static List<Target> without(List<Target> targets, Collection<Target> excluded) {
        List<Target> rest = new ArrayList<>(targets);
        rest.removeAll(excluded);
        return List.copyOf(rest);
    }

    /**
     * Called before the pool's client is stopped (the snapshot is retired, or Sentinel stops): stopping it
     * aborts the exchanges still running, and those failures are Sentinel's doing, not the target's, so
     * they must not count towards ejection or breakers, whose state outlives this pool.
     */
    public void retire() {
        retired = true;
    }

    /** Whether the pool's client is being stopped: its snapshot was retired, or Sentinel stops. */
    public boolean isRetired() {
        return retired;
    }

    /** {@code http} or {@code https}. */
    public String scheme() {
        return scheme;
    }

    private String describe() {
        return "load balancer '" + config.loadBalancing() + "' of upstream '" + config.id() + "'";
    }

    /** A broken plugin must not flood the log: the first failure says enough. */
    private void warnOnce(String callback, RuntimeException e) {
        if (warnedAboutCallbacks.compareAndSet(false, true)) {
            LOG.warn("{} failed in {} (further failures are not logged)", describe(), callback, e);
        }
    }

    /** One exchange with one target. Ending it more than once is harmless: only the first end counts. */
    public final class Lease {
        private final Target target;
        private final TargetHealth health;
        private final long ticket;
        private final long startNanos;
        private final AtomicBoolean ended = new AtomicBoolean();
        private final ChoiceExchange choice;

        private Lease(Target target, TargetHealth health, long ticket, long startNanos, ChoiceExchange choice) {
            this.target = target;
            this.health = health;
            this.ticket = ticket;
            this.startNanos = startNanos;
            this.choice = choice;
        }

        public Target target() {
            return target;
        }

        /**
         * Adds the response headers the balancer asked for when it chose this target to the client's response,
         * which this lease's attempt answers (relayed, or Sentinel's error reply); only the first call does.
         * The response must not be committed yet.
         */
        public void applyResponseHeaders() {
            choice.apply();
        }

        /**
         * Reports how the exchange went to the balancer and to the target's health (passive ejection, breaker).
         *
         * @param status  the upstream's status, or 0 when no response began
         * @param failure why the exchange failed, or {@code null}; with status 0 as well, the request never
         *                went out (the client's side failed first), which says nothing about the target
         * @return the outcome reported, or {@code null} when the lease had ended already
         */
        public Outcome end(int status, Throwable failure) {
            if (!ended.compareAndSet(false, true)) {
                return null;
            }
            long now = System.nanoTime();
            Outcome.Kind kind = retired && failure != null ? Outcome.Kind.CANCELLED : Outcomes.kind(status, failure);
            health.end(ticket, kind, now - startNanos, now);
            Outcome outcome = Outcome.of(kind, status, Duration.ofNanos(now - startNanos));
            try {
                balancer.onComplete(target, outcome);
            } catch (RuntimeException e) {
                warnOnce("onComplete", e);
            }
            return outcome;
        }
    }
}

package dev.sentinel.server.upstream;

import dev.sentinel.server.config.UpstreamConfig;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.Outcome;
import dev.sentinel.spi.Target;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream: its targets, its balancer and the client whose connection pools reach them. The
 * client's lifecycle belongs to whoever built the pool ({@link UpstreamClients}).
 *
 * <p>Each request {@link #acquire acquires} a {@link Lease} on the target the balancer chose and
 * {@link Lease#end ends} it when the exchange is over; the balancer sees both, which is where in-flight
 * counts and latency come from.
 */
public final class UpstreamPool {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamPool.class);

    private final UpstreamConfig config;
    private final LoadBalancer balancer;
    private final HttpClient client;
    private final String scheme;
    private final AtomicBoolean warnedAboutCallbacks = new AtomicBoolean();

    UpstreamPool(UpstreamConfig config, LoadBalancer balancer, HttpClient client) {
        this.config = config;
        this.balancer = balancer;
        this.client = client;
        this.scheme = config.tls() == null ? "http" : "https";
    }

    public String id() {
        return config.id();
    }

    public UpstreamConfig config() {
        return config;
    }

    public HttpClient client() {
        return client;
    }

    /**
     * The target for this request, leased until {@link Lease#end}. Called on the request's virtual thread.
     *
     * @throws IllegalStateException when the balancer fails or picks something that is not one of the
     *                               pool's targets (the request then fails with a 500)
     */
    public Lease acquire(Exchange exchange) {
        List<Target> targets = config.targets();
        Target target;
        try {
            target = balancer.select(targets, exchange);
        } catch (RuntimeException e) {
            throw new IllegalStateException(describe() + " failed to choose a target", e);
        }
        if (target == null || !targets.contains(target)) {
            throw new IllegalStateException(describe() + " chose " + target + ", which is not one of its targets");
        }
        try {
            balancer.onStart(target);
        } catch (RuntimeException e) {
            warnOnce("onStart", e);
        }
        return new Lease(target, System.nanoTime());
    }

    /** {@code http} or {@code https}. */
    public String scheme() {
        return scheme;
    }

    /** {@code scheme://host:port} of a target, the origin requests are sent to. */
    public String origin(Target target) {
        return scheme + "://" + target.address();
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
        private final long startNanos;
        private final AtomicBoolean ended = new AtomicBoolean();

        private Lease(Target target, long startNanos) {
            this.target = target;
            this.startNanos = startNanos;
        }

        public Target target() {
            return target;
        }

        /**
         * Reports how the exchange went to the balancer.
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
            Outcome outcome = Outcome.of(Outcomes.kind(status, failure), status,
                    Duration.ofNanos(System.nanoTime() - startNanos));
            try {
                balancer.onComplete(target, outcome);
            } catch (RuntimeException e) {
                warnOnce("onComplete", e);
            }
            return outcome;
        }
    }
}

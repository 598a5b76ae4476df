package dev.sentinel.server.health;

import dev.sentinel.server.config.HealthCheckConfig;
import dev.sentinel.server.config.UpstreamConfig;
import dev.sentinel.spi.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one upstream's active health checks: a virtual thread per target checks it every
 * {@code interval-secs}, jittered by ±10% (and a random first delay) so that targets and Sentinel instances
 * do not probe in lock-step. At most one check per target is in flight, even while the snapshot being
 * retired and its successor both run checkers ({@link TargetHealth#beginCheck}). Started and stopped with
 * the runtime snapshot that owns the pool; stopping interrupts the threads.
 */
public final class HealthChecker extends ContainerLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

    private final String upstreamId;
    private final HealthCheckConfig config;
    private final Availability availability;
    private final List<Target> targets;
    private final Probe probe;
    private final List<Thread> threads = new ArrayList<>();

    /**
     * A checker for an upstream whose configuration has a {@code health-check}.
     *
     * @param client the upstream pool's client (HTTP checks use it; gRPC checks share its executor)
     * @param scheme {@code http} or {@code https}
     */
    public HealthChecker(UpstreamConfig upstream, HttpClient client, String scheme, Availability availability) {
        this.upstreamId = upstream.id();
        this.config = upstream.healthCheck();
        this.availability = availability;
        this.targets = upstream.targets();
        this.probe = switch (config.type()) {
            case HTTP -> new HttpProbe(client, scheme, config);
            case TCP -> new TcpProbe(config.timeout());
            case GRPC -> new GrpcProbe(config, client.getExecutor(), client.getScheduler());
        };
        if (probe instanceof GrpcProbe grpc) {
            addBean(grpc);
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        for (Target target : targets) {
            threads.add(Thread.ofVirtual().name("health-" + upstreamId + "-" + target.address())
                    .start(() -> run(target, availability.health(target))));
        }
    }

    @Override
    protected void doStop() throws Exception {
        // Not joined: this may run on the shared scheduler thread, and an interrupted check ends by itself.
        for (Thread thread : threads) {
            thread.interrupt();
        }
        threads.clear();
        super.doStop();
    }

    private void run(Target target, TargetHealth health) {
        long interval = config.interval().toMillis();
        try {
            // A short random first delay: a fresh start learns quickly, yet targets are not probed in a burst.
            Thread.sleep(ThreadLocalRandom.current().nextLong(Math.max(1, interval / 10) + 1));
            while (isRunning()) {
                checkOnce(target, health);
                long jitter = interval / 10;
                Thread.sleep(interval - jitter + ThreadLocalRandom.current().nextLong(2 * jitter + 1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkOnce(Target target, TargetHealth health) throws InterruptedException {
        if (!health.beginCheck()) {
            return;
        }
        String failure;
        try {
            failure = probe.check(target);
        } catch (InterruptedException e) {
            health.abandonCheck();
            throw e;
        } catch (Exception e) {
            failure = describe(e);
        }
        if (failure != null && !isRunning()) {
            // Stopping: the pool's client may be going away under the check, which says nothing of the target.
            health.abandonCheck();
            return;
        }
        if (failure != null) {
            LOG.debug("health check of {} in upstream '{}' failed: {}", target.address(), upstreamId, failure);
        }
        health.endCheck(config, failure);
    }

    private static String describe(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}

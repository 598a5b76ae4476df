package dev.sentinel.server.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sentinel.server.config.kdl.ConfigLoader;
import dev.sentinel.server.health.HealthListener;
import dev.sentinel.server.health.HealthRegistry;
import dev.sentinel.server.observability.ProxyMetrics;
import dev.sentinel.server.upstream.UpstreamClients;
import dev.sentinel.server.upstream.UpstreamPool;
import dev.sentinel.spi.Outcome;
import java.nio.channels.AsynchronousCloseException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.junit.jupiter.api.Test;

/** What a snapshot does to the process-wide health state when it is retired. */
class RuntimeSnapshotTest {
    private static final String CONFIG = """
            system { worker-threads 1 }
            listeners { listener "main" { address "127.0.0.1:8080"; protocol "http" } }
            routes { route "api" { matches { path-prefix "/" }; upstream "be" } }
            upstreams { upstream "be" { target "127.0.0.1:9" } }
            """;

    @Test
    void exchangesAbortedByStoppingTheSnapshotAreNotHeldAgainstTheTarget() throws Exception {
        ProxyMetrics metrics = new ProxyMetrics();
        HealthRegistry health = new HealthRegistry(HealthListener.NONE);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            UpstreamClients clients = new UpstreamClients(executor, new ScheduledExecutorScheduler(),
                    new ArrayByteBufferPool(), metrics);
            RuntimeSnapshot snapshot = new RuntimeSnapshot(ConfigLoader.parse(CONFIG, "test.kdl"), clients, health,
                    metrics);
            snapshot.start();
            UpstreamPool.Lease lease = snapshot.pool("be").acquire(null);
            snapshot.stop();
            // What the stopped client does to an exchange still running.
            assertEquals(Outcome.Kind.CANCELLED, lease.end(200, new AsynchronousCloseException()).kind());
            assertEquals(0, health.upstream("be").target("127.0.0.1:9").failures());
        }
    }
}

package dev.sentinel.server.upstream;

import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.RequestInfo;
import dev.sentinel.spi.Target;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Each target in turn; lock-free. */
public final class RoundRobinBalancer implements LoadBalancer {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Target select(List<Target> targets, RequestInfo request) {
        return targets.get(Math.floorMod(next.getAndIncrement(), targets.size()));
    }
}

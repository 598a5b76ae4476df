package dev.sentinel.balancers;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.LoadBalancerProvider;
import dev.sentinel.spi.PluginConfig;
import dev.sentinel.spi.Target;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code consistent_hash}: the same key always goes to the same target, through a {@link KetamaRing}, so
 * adding or removing a target moves only about 1/N of the keys.
 *
 * <pre>
 * load-balancing "consistent_hash" {
 *     key "header:X-User"     // or "cookie:session", "client-ip" (default), "path"
 *     virtual-nodes 160       // points per target on the ring
 * }
 * </pre>
 */
final class ConsistentHash implements LoadBalancer {
    static final int DEFAULT_VIRTUAL_NODES = 160;

    private final Function<Exchange, String> key;
    private final ByTargets<KetamaRing> ring;

    ConsistentHash(Function<Exchange, String> key, int virtualNodes) {
        this.key = key;
        this.ring = new ByTargets<>(targets -> new KetamaRing(targets, virtualNodes));
    }

    @Override
    public Target select(List<Target> targets, Exchange exchange) {
        return targets.size() == 1 ? targets.getFirst() : ring.get(targets).owner(key.apply(exchange));
    }

    public static final class Provider implements LoadBalancerProvider {
        @Override
        public String type() {
            return "consistent_hash";
        }

        @Override
        public Set<String> aliases() {
            return Set.of("consistenthash");
        }

        @Override
        public String description() {
            return "ketama ring keyed by a header, cookie, client IP or path; stable when targets change";
        }

        @Override
        public LoadBalancer create(PluginConfig config) throws ConfigException {
            Function<Exchange, String> key = HashKey.from(config);
            int virtualNodes = config.integer("virtual-nodes", DEFAULT_VIRTUAL_NODES, 1, 1000);
            return new ConsistentHash(key, virtualNodes);
        }
    }

    /** {@code ip_hash}: consistent hashing of the client address, with no settings. */
    public static final class IpHashProvider implements LoadBalancerProvider {
        @Override
        public String type() {
            return "ip_hash";
        }

        @Override
        public Set<String> aliases() {
            return Set.of("iphash");
        }

        @Override
        public String description() {
            return "the same client address to the same target (a ketama ring of client IPs)";
        }

        @Override
        public LoadBalancer create(PluginConfig config) {
            return new ConsistentHash(HashKey.clientIp(), DEFAULT_VIRTUAL_NODES);
        }
    }
}

package dev.sentinel.balancers;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.LoadBalancerProvider;
import dev.sentinel.spi.PluginConfig;
import dev.sentinel.spi.Target;
import java.util.List;
import java.util.function.Function;

/**
 * {@code maglev}: Google's consistent hashing through a {@link MaglevTable}: an even spread and
 * one-array-read lookups, at the price of a table rebuild when the targets change.
 *
 * <pre>
 * load-balancing "maglev" {
 *     key "cookie:session"    // as for consistent_hash; "client-ip" by default
 *     table-size 65537        // a prime, well above 100 × the number of targets
 * }
 * </pre>
 */
final class Maglev implements LoadBalancer {
    static final int DEFAULT_TABLE_SIZE = 65_537;

    private final Function<Exchange, String> key;
    private final ByTargets<MaglevTable> table;

    Maglev(Function<Exchange, String> key, int tableSize) {
        this.key = key;
        this.table = new ByTargets<>(targets -> new MaglevTable(targets, tableSize));
    }

    @Override
    public Target select(List<Target> targets, Exchange exchange) {
        return targets.size() == 1 ? targets.getFirst() : table.get(targets).owner(key.apply(exchange));
    }

    public static final class Provider implements LoadBalancerProvider {
        @Override
        public String type() {
            return "maglev";
        }

        @Override
        public String description() {
            return "Maglev consistent hashing: a prime-sized lookup table, even spread, minimal disruption";
        }

        @Override
        public LoadBalancer create(PluginConfig config) throws ConfigException {
            Function<Exchange, String> key = HashKey.from(config);
            int size = config.integer("table-size", DEFAULT_TABLE_SIZE, 101, 1_000_003);
            if (!MaglevTable.isPrime(size)) {
                throw config.invalid("table-size", "'table-size' must be a prime number, such as 65537; "
                        + size + " is not");
            }
            return new Maglev(key, size);
        }
    }
}

package dev.sentinel.balancers;

import static dev.sentinel.balancers.Fixtures.fromClient;
import static dev.sentinel.balancers.Fixtures.targets;
import static dev.sentinel.balancers.Fixtures.weighted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.balancers.Fixtures.MapConfig;
import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.Target;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The ketama ring (consistent_hash, ip_hash), the Maglev table, and what they hash. */
class HashingBalancersTest {
    private static final int KEYS = 20_000;

    @Test
    void ketamaSendsAKeyToTheSameTargetEveryTimeAndInEveryProcess() {
        KetamaRing ring = new KetamaRing(targets(5), 160);
        KetamaRing again = new KetamaRing(targets(5), 160);
        for (int i = 0; i < 1000; i++) {
            assertEquals(ring.owner("user-" + i), ring.owner("user-" + i));
            assertEquals(ring.owner("user-" + i), again.owner("user-" + i));
        }
    }

    @Test
    void ketamaSpreadsKeysRoughlyEvenly() {
        Map<Target, Integer> counts = spread(new KetamaRing(targets(5), 160)::owner);
        counts.values().forEach(n -> assertTrue(Math.abs(n - KEYS / 5) < KEYS / 5 * 0.25, counts.toString()));
    }

    @Test
    void ketamaSharesKeysInProportionToWeight() {
        List<Target> targets = weighted(1, 3);
        Map<Target, Integer> counts = spread(new KetamaRing(targets, 160)::owner);
        double heavyShare = counts.get(targets.get(1)) / (double) KEYS;
        assertTrue(heavyShare > 0.65 && heavyShare < 0.85, counts.toString());
    }

    @Test
    void addingATargetMovesAtMostAboutOneNthOfTheKeysAndOnlyToIt() {
        for (int n = 3; n <= 9; n += 3) {
            List<Target> before = targets(n);
            List<Target> after = targets(n + 1);
            Target added = after.getLast();
            KetamaRing old = new KetamaRing(before, 160);
            KetamaRing grown = new KetamaRing(after, 160);
            int moved = 0;
            for (int i = 0; i < KEYS; i++) {
                Target was = old.owner("k" + i);
                Target is = grown.owner("k" + i);
                if (!was.equals(is)) {
                    moved++;
                    assertEquals(added, is, "a moved key goes to the new target only");
                }
            }
            assertTrue(moved <= KEYS / n, n + " → " + (n + 1) + " targets moved " + moved + " of " + KEYS);
            assertTrue(moved >= KEYS / (n + 1) / 2, "the new target takes its share: " + moved);
        }
    }

    @Test
    void removingATargetMovesOnlyItsKeys() {
        List<Target> five = targets(5);
        Target removed = five.get(2);
        KetamaRing full = new KetamaRing(five, 160);
        KetamaRing shrunk = new KetamaRing(five.stream().filter(t -> !t.equals(removed)).toList(), 160);
        for (int i = 0; i < KEYS; i++) {
            Target was = full.owner("k" + i);
            if (!was.equals(removed)) {
                assertEquals(was, shrunk.owner("k" + i));
            }
        }
    }

    @Test
    void ketamaWrapsAroundTheCircle() {
        KetamaRing ring = new KetamaRing(targets(3), 1);
        assertEquals(ring.ownerOf(0), ring.ownerOf(0xffffffffL), "past the last point is the first point");
    }

    @Test
    void maglevFillsItsTableAlmostEvenly() {
        MaglevTable table = new MaglevTable(targets(7), 65_537);
        Map<Target, Integer> counts = spread(table::owner);
        counts.values().forEach(n -> assertTrue(Math.abs(n - KEYS / 7) < KEYS / 7 * 0.15, counts.toString()));
    }

    @Test
    void maglevIsStableForAKeyAndBarelyDisturbedByANewTarget() {
        List<Target> five = targets(5);
        MaglevTable table = new MaglevTable(five, 65_537);
        MaglevTable reordered = new MaglevTable(List.of(five.get(4), five.get(2), five.get(0), five.get(1), five.get(3)),
                65_537);
        MaglevTable grown = new MaglevTable(targets(6), 65_537);
        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
            assertEquals(table.owner("k" + i), reordered.owner("k" + i), "list order does not matter");
            if (!table.owner("k" + i).equals(grown.owner("k" + i))) {
                moved++;
            }
        }
        // Maglev trades a little disruption for its even spread: near 1/6, well below a rehash's 5/6.
        assertTrue(moved < KEYS * 0.25, "moved " + moved);
    }

    @Test
    void maglevTableSizeMustBePrime() {
        assertTrue(MaglevTable.isPrime(65_537));
        assertFalse(MaglevTable.isPrime(65_536));
        ConfigException e = assertThrows(ConfigException.class, () -> new Maglev.Provider()
                .create(new MapConfig("maglev", Map.of("table-size", 1000))));
        assertTrue(e.reason().contains("prime"), e.reason());
    }

    @Test
    void theHashKeyComesFromAHeaderACookieTheClientOrThePath() throws Exception {
        LoadBalancer byHeader = new ConsistentHash.Provider().create(new MapConfig("consistent_hash",
                Map.of("key", "header:X-User")));
        List<Target> targets = targets(8);
        Map<Target, Integer> owners = new HashMap<>();
        for (int client = 0; client < 50; client++) {
            Target t = byHeader.select(targets, fromClient("10.9.0." + client).withHeader("X-User", "alice"));
            owners.merge(t, 1, Integer::sum);
        }
        assertEquals(1, owners.size(), "one user, many client addresses, one target: " + owners);

        LoadBalancer byCookie = new ConsistentHash.Provider().create(new MapConfig("consistent_hash",
                Map.of("key", "cookie:session")));
        Target withCookie = byCookie.select(targets, fromClient("10.9.9.9").withCookie("session", "s-42"));
        assertEquals(withCookie, byCookie.select(targets, fromClient("10.8.8.8").withCookie("session", "s-42")));

        LoadBalancer byIp = new ConsistentHash.IpHashProvider().create(MapConfig.empty("ip_hash"));
        assertEquals(byIp.select(targets, fromClient("203.0.113.7")), byIp.select(targets, fromClient("203.0.113.7")));
        assertEquals(byIp.select(targets, fromClient("203.0.113.7")),
                byHeader.select(targets, fromClient("203.0.113.7")), "no header: placed by the client address");
    }

    @Test
    void aMalformedKeyIsRefused() {
        for (String bad : List.of("header:", "cookie", "query:x", "client-ip:x")) {
            ConfigException e = assertThrows(ConfigException.class, () -> new ConsistentHash.Provider()
                    .create(new MapConfig("consistent_hash", Map.of("key", bad))));
            assertTrue(e.reason().contains(HashKey.ACCEPTED), e.reason());
        }
    }

    private static Map<Target, Integer> spread(Function<String, Target> owner) {
        Map<Target, Integer> counts = new HashMap<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            keys.add("key-" + i);
        }
        keys.forEach(k -> counts.merge(owner.apply(k), 1, Integer::sum));
        return counts;
    }
}

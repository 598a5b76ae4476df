package dev.sentinel.balancers;

import static dev.sentinel.balancers.Fixtures.fromClient;
import static dev.sentinel.balancers.Fixtures.targets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.balancers.Fixtures.FakeExchange;
import dev.sentinel.balancers.Fixtures.MapConfig;
import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.Target;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** sticky: the signed cookie, pinning, and re-pinning. */
class StickyTest {
    private static final Pattern SET_COOKIE = Pattern.compile("Set-Cookie: srv=([A-Za-z0-9_-]{22}); (.*)");
    private final Sticky.Provider provider = new Sticky.Provider();
    private final List<Target> targets = targets(4);

    @Test
    void aNewClientIsPlacedByTheFallbackAndGetsASignedCookie() throws Exception {
        LoadBalancer sticky = provider.create(new MapConfig("sticky", Map.of("cookie-name", "srv")));
        FakeExchange first = fromClient("10.0.9.1");
        assertEquals(targets.get(0), sticky.select(targets, first), "round robin starts at the first");
        Matcher cookie = cookie(first);
        assertEquals("Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax", cookie.group(2));
        assertFalse(cookie.group(1).contains("10.0.0"), "the value does not reveal the address");
    }

    @Test
    void theCookiePinsTheClientWhateverTheFallbackWouldDo() throws Exception {
        LoadBalancer sticky = provider.create(new MapConfig("sticky", Map.of("cookie-name", "srv")));
        FakeExchange first = fromClient("10.0.9.1");
        sticky.select(targets, first);
        sticky.select(targets, fromClient("10.0.9.2"));
        String value = cookie(first).group(1);
        for (int i = 0; i < 20; i++) {
            FakeExchange again = fromClient("10.0.9.1").withCookie("srv", value);
            assertEquals(targets.get(0), sticky.select(targets, again));
            assertTrue(again.added().isEmpty(), "a pinned client gets no new cookie");
        }
    }

    @Test
    void aTamperedOrStaleCookieIsReplaced() throws Exception {
        LoadBalancer sticky = provider.create(new MapConfig("sticky", Map.of("cookie-name", "srv")));
        FakeExchange forged = fromClient("10.0.9.1").withCookie("srv", "AAAAAAAAAAAAAAAAAAAAAA");
        Target placed = sticky.select(targets, forged);
        FakeExchange pinned = fromClient("10.0.9.1").withCookie("srv", cookie(forged).group(1));
        assertEquals(placed, sticky.select(targets, pinned));

        List<Target> without = targets.stream().filter(t -> !t.equals(placed)).toList();
        FakeExchange stale = fromClient("10.0.9.1").withCookie("srv", cookie(forged).group(1));
        Target moved = sticky.select(without, stale);
        assertTrue(without.contains(moved));
        assertEquals(1, stale.added().size(), "re-pinned to a target that is still there");
    }

    @Test
    void cookiesSurviveANewBalancerFromTheSameProvider() throws Exception {
        FakeExchange first = fromClient("10.0.9.1");
        Target placed = provider.create(new MapConfig("sticky", Map.of("cookie-name", "srv"))).select(targets, first);
        LoadBalancer reloaded = provider.create(new MapConfig("sticky", Map.of("cookie-name", "srv")));
        assertEquals(placed, reloaded.select(targets,
                fromClient("10.0.9.1").withCookie("srv", cookie(first).group(1))));
    }

    @Test
    void cookieAttributesFollowTheConfig() throws Exception {
        LoadBalancer sticky = provider.create(new MapConfig("sticky", Map.of("cookie-name", "srv",
                "cookie-ttl", Duration.ofMinutes(5), "cookie-path", "/app", "cookie-secure", false,
                "cookie-same-site", "strict")));
        FakeExchange first = fromClient("10.0.9.1");
        sticky.select(targets, first);
        assertEquals("Path=/app; Max-Age=300; HttpOnly; SameSite=Strict", cookie(first).group(2));
    }

    @Test
    void unsafeOrContradictorySettingsAreRefused() {
        for (Map<String, Object> bad : List.of(Map.<String, Object>of("cookie-name", "a b"),
                Map.<String, Object>of("cookie-path", "/x; Domain=evil"), Map.<String, Object>of("cookie-same-site", "loose"),
                Map.<String, Object>of("cookie-same-site", "none", "cookie-secure", false),
                Map.<String, Object>of("fallback", "sticky-session"))) {
            assertThrows(ConfigException.class, () -> provider.create(new MapConfig("sticky", bad)), bad.toString());
        }
    }

    private static Matcher cookie(FakeExchange exchange) {
        assertEquals(1, exchange.added().size(), exchange.added().toString());
        Matcher m = SET_COOKIE.matcher(exchange.added().getFirst());
        assertTrue(m.matches(), exchange.added().getFirst());
        return m;
    }
}

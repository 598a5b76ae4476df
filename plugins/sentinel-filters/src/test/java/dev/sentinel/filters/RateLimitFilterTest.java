package dev.sentinel.filters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.filters.Fixtures.MapConfig;
import dev.sentinel.filters.Fixtures.Request;
import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimitFilterTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong nanos = new AtomicLong(123 * SECOND);
    /** 2026-01-01T00:00:00.500Z. */
    private final AtomicLong millis = new AtomicLong(1_767_225_600_500L);
    private final List<Long> slept = new ArrayList<>();

    private RateLimitFilter filter(int rps, int burst, RateLimitKey key, RateLimitFilter.OnLimit onLimit, long maxWait) {
        return new RateLimitFilter(rps, burst, 1000, key, onLimit, 429, "rate limit exceeded", maxWait, nanos::get,
                millis::get, slept::add);
    }

    @Test
    void allowedRequestsCarryTheLimitTheRemainingTokensAndWhenTheBucketIsFull() throws Exception {
        RateLimitFilter filter = filter(2, 3, new RateLimitKey.ClientIp(), RateLimitFilter.OnLimit.REJECT, 0);
        Request first = new Request();
        assertEquals(Decision.allow(), filter.onRequest(first));
        assertEquals("3", first.response.header("X-RateLimit-Limit"));
        assertEquals("2", first.response.header("X-RateLimit-Remaining"));
        assertEquals("1767225601", first.response.header("X-RateLimit-Reset"), "full again in 0.5 s: round up");
        filter.onRequest(new Request());
        Request third = new Request();
        filter.onRequest(third);
        assertEquals("0", third.response.header("X-RateLimit-Remaining"));
        assertEquals("1767225602", third.response.header("X-RateLimit-Reset"), "1.5 s of debt");
    }

    @Test
    void overTheLimitIsRefusedWithRetryAfterAndTheHeaders() throws Exception {
        RateLimitFilter filter = filter(1, 2, new RateLimitKey.ClientIp(), RateLimitFilter.OnLimit.REJECT, 0);
        filter.onRequest(new Request());
        filter.onRequest(new Request());
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class, filter.onRequest(new Request()));
        assertEquals(429, deny.status());
        assertEquals("rate limit exceeded", deny.reason());
        assertEquals("1", deny.headers().get("Retry-After"));
        assertEquals("2", deny.headers().get("X-RateLimit-Limit"));
        assertEquals("0", deny.headers().get("X-RateLimit-Remaining"));
        assertEquals("1767225603", deny.headers().get("X-RateLimit-Reset"));
        nanos.addAndGet(SECOND);
        assertEquals(Decision.allow(), filter.onRequest(new Request()), "a token came back");
    }

    @Test
    void retryAfterRoundsTheWaitUpToWholeSeconds() throws Exception {
        RateLimitFilter filter = filter(1, 1, new RateLimitKey.ClientIp(), RateLimitFilter.OnLimit.REJECT, 0);
        filter.onRequest(new Request());
        nanos.addAndGet(SECOND / 10);
        Decision.Deny deny = assertInstanceOf(Decision.Deny.class, filter.onRequest(new Request()));
        assertEquals("1", deny.headers().get("Retry-After"), "0.9 s");
    }

    @Test
    void headerKeysAreIsolatedAndRequestsWithoutTheHeaderShareABucket() throws Exception {
        RateLimitFilter filter = filter(1, 1, new RateLimitKey.Header("X-Api-Key"), RateLimitFilter.OnLimit.REJECT, 0);
        assertEquals(Decision.allow(), filter.onRequest(new Request().with("X-Api-Key", "a")));
        assertInstanceOf(Decision.Deny.class, filter.onRequest(new Request().with("X-Api-Key", "a")));
        assertEquals(Decision.allow(), filter.onRequest(new Request().with("X-Api-Key", "b")));
        assertEquals(Decision.allow(), filter.onRequest(new Request()));
        assertInstanceOf(Decision.Deny.class, filter.onRequest(new Request()));
    }

    @Test
    void logOnlyNeverRefuses() throws Exception {
        RateLimitFilter filter = filter(1, 1, new RateLimitKey.Route(), RateLimitFilter.OnLimit.LOG_ONLY, 0);
        for (int i = 0; i < 5; i++) {
            Request request = new Request();
            assertEquals(Decision.allow(), filter.onRequest(request));
            assertEquals("0", request.response.header("X-RateLimit-Remaining"));
        }
    }

    @Test
    void delayWaitsForTheNextTokenUpToMaxDelayThenRefuses() throws Exception {
        RateLimitFilter filter = filter(2, 1, new RateLimitKey.ClientIp(), RateLimitFilter.OnLimit.DELAY, SECOND);
        assertEquals(Decision.allow(), filter.onRequest(new Request()));
        assertEquals(Decision.allow(), filter.onRequest(new Request()));
        assertEquals(Decision.allow(), filter.onRequest(new Request()));
        assertEquals(List.of(SECOND / 2, SECOND), slept);
        assertInstanceOf(Decision.Deny.class, filter.onRequest(new Request()), "it would wait 1.5 s");
    }

    @Test
    void keysOfEveryKind() {
        Request request = new Request().with("X-User", "u1");
        request.clientAddress = "2001:db8::1";
        request.path = "/a/b";
        request.routeId = "api";
        assertEquals("2001:db8::1", new RateLimitKey.ClientIp().of(request));
        assertEquals("/a/b", new RateLimitKey.Path().of(request));
        assertEquals("api", new RateLimitKey.Route().of(request));
        assertEquals("2001:db8::1 /a/b", new RateLimitKey.ClientIpAndPath().of(request));
        assertEquals("u1", new RateLimitKey.Header("x-user").of(request));
        request.setHeader("X-User", "x".repeat(10_000));
        String stored = new RateLimitKey.Header("X-User").of(request);
        assertTrue(stored.length() <= RateLimitKey.MAX_STORED_LENGTH && stored.startsWith("sha256:"), stored);
    }

    @Test
    void theProviderReadsZentinelsKeysWithItsDefaults() throws Exception {
        RateLimitFilter filter = (RateLimitFilter) new RateLimitFilter.Provider().create(MapConfig.of());
        assertEquals(SECOND / 100, filter.buckets().intervalNanos(), "max-rps 100");
        assertEquals(10 * SECOND / 100, filter.buckets().capacityNanos(), "burst 10");
        new RateLimitFilter.Provider().create(MapConfig.of("max-rps", 10, "burst", 15, "key", "header:X-Api-Key",
                "on-limit", "delay", "max-delay-ms", 1000, "status-code", 503, "message", "slow down",
                "backend", "local", "max-keys", 5000));
    }

    @Test
    void remoteBackendsAndTheirSettingsAreNotSupportedYet() {
        for (String backend : List.of("redis", "memcached")) {
            ConfigException e = assertThrows(ConfigException.class, () -> new RateLimitFilter.Provider()
                    .create(MapConfig.of("backend", backend, backend + "-url", "x")));
            assertEquals("backend", e.key());
            assertTrue(e.reason().endsWith("is not supported yet by Sentinel"), e.reason());
        }
        ConfigException e = assertThrows(ConfigException.class, () -> new RateLimitFilter.Provider()
                .create(MapConfig.of("redis-url", "redis://x")));
        assertEquals("redis-url", e.key());
        assertTrue(e.reason().endsWith("is not supported yet by Sentinel"), e.reason());
    }

    @Test
    void badValuesAreRefusedAtTheirKey() {
        assertRefused("key", "key", "ip");
        assertRefused("key", "key", "header:");
        assertRefused("on-limit", "on-limit", "drop");
        assertRefused("max-delay-ms", "max-delay-ms", 100);
        assertRefused("max-rps", "max-rps", 0);
        assertRefused("status-code", "status-code", 200);
        assertRefused("backend", "backend", "etcd");
    }

    private static void assertRefused(String key, Object... config) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new RateLimitFilter.Provider().create(MapConfig.of(config)));
        assertEquals(key, e.key(), e.reason());
    }
}

package dev.sentinel.filters;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.Decision;
import dev.sentinel.spi.Filter;
import dev.sentinel.spi.FilterProvider;
import dev.sentinel.spi.FilterRequest;
import dev.sentinel.spi.PluginConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * {@code type "rate-limit"}: a token bucket per key ({@link TokenBuckets}), refilled at {@code max-rps}
 * tokens a second and holding {@code burst}. A request without a token is answered {@code status-code}
 * ({@code on-limit "reject"}), waits up to {@code max-delay-ms} for one ({@code "delay"}), or goes on and
 * is logged ({@code "log-only"}). Every answer carries {@code X-RateLimit-Limit} (the burst),
 * {@code X-RateLimit-Remaining} (whole tokens left) and {@code X-RateLimit-Reset} (Unix time, in seconds,
 * at which the bucket is full again), in place of any the upstream sends; a refusal also carries
 * {@code Retry-After}.
 */
final class RateLimitFilter implements Filter {
    enum OnLimit { REJECT, DELAY, LOG_ONLY }

    /** Pauses a request that waits for a token; a test's sleeper records instead. */
    interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    private static final System.Logger LOG = System.getLogger(RateLimitFilter.class.getName());
    /** At most one line per this long about requests log-only let through, and one about evictions. */
    static final long LOG_INTERVAL_NANOS = Duration.ofSeconds(10).toNanos();
    private static final List<String> REMOTE_BACKEND_KEYS = List.of("redis-url", "redis-prefix", "redis-pool-size",
            "redis-timeout-ms", "redis-fallback", "memcached-url", "memcached-prefix", "memcached-pool-size",
            "memcached-timeout-ms", "memcached-fallback", "memcached-ttl");

    private final TokenBuckets buckets;
    private final RateLimitKey key;
    private final OnLimit onLimit;
    private final int status;
    private final String message;
    private final long maxWaitNanos;
    private final String limit;
    private final LongSupplier nanoClock;
    private final LongSupplier millisClock;
    private final Sleeper sleeper;
    private final LongAdder overLimitSinceLog = new LongAdder();
    private final AtomicLong nextOverLimitLog;
    private final AtomicLong nextEvictionLog;

    RateLimitFilter(int maxRps, int burst, int maxKeys, RateLimitKey key, OnLimit onLimit, int status, String message,
                    long maxWaitNanos, LongSupplier nanoClock, LongSupplier millisClock, Sleeper sleeper) {
        this.buckets = new TokenBuckets(maxRps, burst, maxKeys, nanoClock);
        this.key = key;
        this.onLimit = onLimit;
        this.status = status;
        this.message = message;
        this.maxWaitNanos = onLimit == OnLimit.DELAY ? maxWaitNanos : 0;
        this.limit = Integer.toString(burst);
        this.nanoClock = nanoClock;
        this.millisClock = millisClock;
        this.sleeper = sleeper;
        this.nextOverLimitLog = new AtomicLong(nanoClock.getAsLong());
        this.nextEvictionLog = new AtomicLong(nanoClock.getAsLong());
    }

    TokenBuckets buckets() {
        return buckets;
    }

    @Override
    public Decision onRequest(FilterRequest request) throws InterruptedException {
        String bucketKey = key.of(request);
        long debt = buckets.take(bucketKey, maxWaitNanos);
        long excess = debt - buckets.capacityNanos();
        reportEvictions();
        if (excess <= 0) {
            addHeaders(request, -excess / buckets.intervalNanos(), debt);
            return Decision.allow();
        }
        if (excess <= maxWaitNanos) {
            sleeper.sleep(excess);
            addHeaders(request, 0, debt);
            return Decision.allow();
        }
        long debtBefore = debt - buckets.intervalNanos();
        if (onLimit == OnLimit.LOG_ONLY) {
            reportLetThrough(request, bucketKey);
            addHeaders(request, 0, debtBefore);
            return Decision.allow();
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Retry-After", Long.toString(Math.max(1, ceilDiv(excess, 1_000_000_000L))));
        headers.put("X-RateLimit-Limit", limit);
        headers.put("X-RateLimit-Remaining", "0");
        headers.put("X-RateLimit-Reset", resetAt(debtBefore));
        return new Decision.Deny(status, message, headers);
    }

    private void addHeaders(FilterRequest request, long remaining, long debt) {
        request.setResponseHeader("X-RateLimit-Limit", limit);
        request.setResponseHeader("X-RateLimit-Remaining", Long.toString(remaining));
        request.setResponseHeader("X-RateLimit-Reset", resetAt(debt));
    }

    /** The Unix time, in whole seconds rounded up, at which a bucket this much in debt is full again. */
    private String resetAt(long debtNanos) {
        return Long.toString(ceilDiv(millisClock.getAsLong() + ceilDiv(debtNanos, 1_000_000L), 1000L));
    }

    private void reportLetThrough(FilterRequest request, String bucketKey) {
        overLimitSinceLog.increment();
        if (due(nextOverLimitLog)) {
            LOG.log(System.Logger.Level.WARNING, "rate limit exceeded {0} time(s) since the last such line (at most one per {1}s) on route ''{2}''"
                            + " (key {3} = \"{4}\" the latest); on-limit \"log-only\" let the requests through",
                    overLimitSinceLog.sumThenReset(), LOG_INTERVAL_NANOS / 1_000_000_000L, request.routeId(),
                    key.describe(), printable(bucketKey));
        }
    }

    private void reportEvictions() {
        if (buckets.evictedActive() > 0 && due(nextEvictionLog)) {
            LOG.log(System.Logger.Level.WARNING, "rate limit key table full: {0} key(s) still being limited were"
                    + " dropped to stay within max-keys; raise max-keys if this is not an attack",
                    buckets.takeEvictedActive());
        }
    }

    /** Whether this thread may log now: once per {@link #LOG_INTERVAL_NANOS}, whoever gets there first. */
    private boolean due(AtomicLong next) {
        long now = nanoClock.getAsLong();
        long at = next.get();
        return now - at >= 0 && next.compareAndSet(at, now + LOG_INTERVAL_NANOS);
    }

    /** The key as a log may show it: client input, so controls are replaced and length is bounded. */
    private static String printable(String value) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), 64));
        for (int i = 0; i < value.length() && i < 64; i++) {
            char c = value.charAt(i);
            out.append(c < 0x20 || c == 0x7f || c == '"' ? '?' : c);
        }
        return out.toString();
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    public static final class Provider implements FilterProvider {
        @Override
        public String type() {
            return "rate_limit";
        }

        @Override
        public String description() {
            return "token bucket per client, path, route or header; rejects, delays or logs the excess";
        }

        @Override
        public Filter create(PluginConfig config) throws ConfigException {
            String backend = config.string("backend", "local");
            switch (backend) {
                case "local" -> {
                }
                case "redis", "memcached", "memcache" -> throw config.invalid("backend",
                        "rate-limit backend \"" + backend + "\" is not supported yet by Sentinel");
                default -> throw config.invalid("backend", "'backend' is \"local\" (\"redis\" and \"memcached\" are"
                        + " not supported yet), not \"" + backend + "\"");
            }
            for (String remote : REMOTE_BACKEND_KEYS) {
                if (config.has(remote)) {
                    throw config.invalid(remote, "'" + remote + "', a setting of rate-limit backend \""
                            + remote.substring(0, remote.indexOf('-')) + "\", is not supported yet by Sentinel");
                }
            }
            int maxRps = config.integer("max-rps", 100, 1, 1_000_000);
            int burst = config.integer("burst", 10, 1, 1_000_000);
            RateLimitKey key = RateLimitKey.read(config);
            OnLimit onLimit = switch (config.string("on-limit", "reject")) {
                case "reject" -> OnLimit.REJECT;
                case "delay" -> OnLimit.DELAY;
                case "log-only" -> OnLimit.LOG_ONLY;
                default -> throw config.invalid("on-limit", "'on-limit' is \"reject\", \"delay\" or \"log-only\"");
            };
            int maxDelayMs = config.integer("max-delay-ms", 5000, 1, 60_000);
            if (onLimit != OnLimit.DELAY && config.has("max-delay-ms")) {
                throw config.invalid("max-delay-ms", "'max-delay-ms' applies to on-limit \"delay\" only");
            }
            int status = config.integer("status-code", 429, 400, 599);
            String message = config.string("message", "rate limit exceeded");
            if (message.isBlank() || !HeaderNames.isValue(message)) {
                throw config.invalid("message", "'message' is a short line of text");
            }
            int maxKeys = config.integer("max-keys", 100_000, 1, 10_000_000);
            return new RateLimitFilter(maxRps, burst, maxKeys, key, onLimit, status, message,
                    Duration.ofMillis(maxDelayMs).toNanos(), System::nanoTime, System::currentTimeMillis,
                    nanos -> Thread.sleep(Duration.ofNanos(nanos)));
        }
    }
}

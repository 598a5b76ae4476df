package dev.sentinel.balancers;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.LoadBalancerProvider;
import dev.sentinel.spi.Outcome;
import dev.sentinel.spi.PluginConfig;
import dev.sentinel.spi.Target;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code sticky}: cookie-based session affinity. A request carrying a valid cookie for a healthy target
 * goes to that target; any other request is placed by the {@code fallback} balancer, and the response
 * sets the cookie ({@link StickyCookie}) that pins the client there. A tampered, stale or foreign
 * cookie is simply replaced.
 *
 * <pre>
 * load-balancing "sticky" {
 *     cookie-name "SERVERID"
 *     cookie-ttl "1h"              // or whole seconds: 3600
 *     cookie-path "/"
 *     cookie-secure #true          // adds Secure (HttpOnly is always set)
 *     cookie-same-site "lax"       // lax, strict or none (none needs cookie-secure)
 *     fallback "round-robin"       // any other balancer, for new clients
 * }
 * </pre>
 *
 * <p>The signing key is random, made once per process, so cookies stay valid across reloads but not
 * across restarts or between Sentinel instances: a client then gets re-pinned once.
 */
final class Sticky implements LoadBalancer {
    private final StickyCookie cookie;
    private final LoadBalancer fallback;
    private final ByTargets<StickyCookie.Values> values;

    Sticky(StickyCookie cookie, LoadBalancer fallback) {
        this.cookie = cookie;
        this.fallback = fallback;
        this.values = new ByTargets<>(cookie::values);
    }

    @Override
    public Target select(List<Target> targets, Exchange exchange) {
        StickyCookie.Values current = values.get(targets);
        String presented = exchange.cookie(cookie.name());
        Target pinned = presented == null ? null : current.targets().get(presented);
        if (pinned != null) {
            return pinned;
        }
        Target chosen = fallback.select(targets, exchange);
        String value = current.values().get(chosen);
        if (value != null) {
            exchange.addResponseHeader("Set-Cookie", cookie.setCookie(value));
        }
        return chosen;
    }

    @Override
    public void onStart(Target target) {
        fallback.onStart(target);
    }

    @Override
    public void onComplete(Target target, Outcome outcome) {
        fallback.onComplete(target, outcome);
    }

    public static final class Provider implements LoadBalancerProvider {
        /** One per process: cookies survive reloads, which make new balancers from this provider. */
        private final byte[] key = new byte[32];

        public Provider() {
            new SecureRandom().nextBytes(key);
        }

        @Override
        public String type() {
            return "sticky";
        }

        @Override
        public Set<String> aliases() {
            return Set.of("sticky_session", "stickysession");
        }

        @Override
        public String description() {
            return "session affinity: an HMAC-signed cookie names the target; new clients by a fallback";
        }

        @Override
        public LoadBalancer create(PluginConfig config) throws ConfigException {
            String name = config.string("cookie-name", "SERVERID");
            if (!StickyCookie.isToken(name)) {
                throw config.invalid("cookie-name",
                        "'cookie-name' must be a cookie name (letters, digits, -_.!#$%&'*+^`|~)");
            }
            Duration ttl = config.duration("cookie-ttl", Duration.ofHours(1));
            if (ttl.toSeconds() < 1) {
                throw config.invalid("cookie-ttl",
                        "'cookie-ttl' must be at least a second (Max-Age=0 deletes the cookie)");
            }
            String path = config.string("cookie-path", "/");
            if (!StickyCookie.isPath(path)) {
                throw config.invalid("cookie-path", "'cookie-path' must start with / and hold no spaces or ';'");
            }
            boolean secure = config.bool("cookie-secure", true);
            String sameSiteText = config.string("cookie-same-site", "lax");
            String sameSite = StickyCookie.sameSite(sameSiteText);
            if (sameSite == null) {
                throw config.invalid("cookie-same-site", "'cookie-same-site' takes \"lax\", \"strict\" or \"none\"");
            }
            if (sameSite.equals("None") && !secure) {
                throw config.invalid("cookie-same-site",
                        "cookie-same-site \"none\" needs cookie-secure #true (browsers drop such cookies otherwise)");
            }
            String fallbackType = config.string("fallback", "round_robin");
            if (fallbackType.replace('-', '_').toLowerCase(Locale.ROOT).startsWith("sticky")) {
                throw config.invalid("fallback", "'fallback' names the balancer for new clients; it cannot be sticky");
            }
            LoadBalancer fallback = config.plugin("fallback", LoadBalancerProvider.class, "round_robin");
            return new Sticky(new StickyCookie(name, ttl, path, secure, sameSite, key), fallback);
        }
    }
}

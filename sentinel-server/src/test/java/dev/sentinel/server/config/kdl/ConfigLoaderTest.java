package dev.sentinel.server.config.kdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.server.config.ListenerConfig;
import dev.sentinel.server.config.PoliciesConfig;
import dev.sentinel.server.config.RouteConfig;
import dev.sentinel.server.config.SentinelConfig;
import dev.sentinel.server.config.UpstreamConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private static final String MINIMAL = """
            system { worker-threads 2 }
            listeners { listener "main" { address "127.0.0.1:8080" } }
            """;

    @Test
    void bindsAZentinelConfigWithDefaultsBesideEveryOption() throws Exception {
        SentinelConfig config = ConfigLoader.parse(MINIMAL + """
                routes {
                    route "api" {
                        priority "high"
                        matches { path-prefix "/api"; method "get" "POST"; header "X-Env" "prod" }
                        upstream "be"
                        policies {
                            timeout-secs 5
                            max-body-size "10MB"
                            request-headers { set { "X-A" "1" }; remove "Cookie" }
                        }
                    }
                }
                upstreams {
                    upstream "be" {
                        target "10.0.0.1:80" weight=3
                        target "[::1]:8081"
                        load-balancing "round-robin"
                        timeouts { connect 2; read-secs 7 }
                    }
                }
                """, "t.kdl");
        ListenerConfig listener = config.listeners().getFirst();
        assertEquals(ListenerConfig.Protocol.HTTP, listener.protocol());
        assertEquals(ListenerConfig.DEFAULT_KEEPALIVE_TIMEOUT, listener.keepaliveTimeout());
        RouteConfig route = config.route("api");
        assertEquals(RouteConfig.PRIORITY_HIGH, route.priority());
        assertEquals(List.of("GET", "POST"), route.matches().methods());
        assertEquals(10L * 1024 * 1024, route.policies().maxBodySizeBytes());
        assertEquals(Duration.ofSeconds(5), route.policies().timeout());
        assertEquals(List.of("Cookie"), route.policies().requestHeaders().remove());
        UpstreamConfig upstream = config.upstreams().get("be");
        assertEquals("round_robin", upstream.loadBalancing());
        assertEquals(3, upstream.targets().getFirst().weight());
        assertEquals("::1", upstream.targets().get(1).host());
        assertEquals(Duration.ofSeconds(2), upstream.timeouts().connect());
        assertEquals(Duration.ofSeconds(7), upstream.timeouts().read());
        assertEquals(UpstreamConfig.Timeouts.DEFAULT_WRITE, upstream.timeouts().write());
        assertNull(upstream.timeouts().request());
    }

    @Test
    void acceptsTheDocumentedAndTheParserSpellingOfAKey() throws Exception {
        assertEquals(4096, ConfigLoader.parse(MINIMAL + "limits { max-header-size 4096 }", "a.kdl")
                .limits().maxHeaderSizeBytes());
        assertEquals(4096, ConfigLoader.parse(MINIMAL + "limits { max-header-size-bytes 4096 }", "b.kdl")
                .limits().maxHeaderSizeBytes());
    }

    @Test
    void unknownKeyIsRefusedWithItsLocationAndTheAcceptedKeys() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(MINIMAL + "limits {\n    max-hedaer-count 5\n}", "c.kdl"));
        ConfigError error = e.errors().getFirst();
        assertEquals("c.kdl:4:5", error.location().toString());
        assertTrue(error.message().contains("unknown key 'max-hedaer-count' in limits"), error.message());
        assertTrue(error.message().contains("max-header-count"), error.message());
    }

    @Test
    void zentinelKeysNotImplementedYetAreNamedAsSuch() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(MINIMAL + """
                upstreams { upstream "be" { target "127.0.0.1:1"; health-check { interval-secs 1 } } }
                """, "d.kdl"));
        assertEquals("'health-check' in upstream \"be\" is not supported yet by Sentinel",
                e.errors().getFirst().message());
    }

    @Test
    void everyErrorIsReportedNotJustTheFirst() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                system { worker-threads -1 }
                listeners { listener "a" { address "nowhere" } }
                routes { route "r" { upstream "missing" } }
                """, "e.kdl"));
        assertEquals(3, e.errors().size(), e.errors().toString());
        assertTrue(e.errors().get(2).message().contains("upstream 'missing', which is not defined"));
    }

    @Test
    void syntaxErrorsCarryFileLineAndColumn() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("system {\n  worker-threads \"2\n}", "f.kdl"));
        assertTrue(e.errors().getFirst().toString().startsWith("f.kdl:2:"), e.errors().toString());
    }

    @Test
    void loadBalancerNamesKnownToZentinelAreNotYetSupportedAndOthersUnknown() {
        ConfigException planned = assertThrows(ConfigException.class, () -> ConfigLoader.parse(MINIMAL
                + "upstreams { upstream \"u\" { target \"127.0.0.1:1\"; load-balancing \"least-connections\" } }", "g"));
        assertTrue(planned.errors().getFirst().message().endsWith("is not supported yet by Sentinel"));
        ConfigException unknown = assertThrows(ConfigException.class, () -> ConfigLoader.parse(MINIMAL
                + "upstreams { upstream \"u\" { target \"127.0.0.1:1\"; load-balancing \"fastest\" } }", "h"));
        assertTrue(unknown.errors().getFirst().message().contains("is unknown; accepted: round_robin"));
    }

    @Test
    void theEmbeddedDefaultIsValid() throws Exception {
        SentinelConfig config = ConfigLoader.loadEmbeddedDefault();
        assertEquals(2, config.listeners().size());
        assertEquals(RouteConfig.Builtin.STATUS, config.route("status").builtin());
        assertEquals(PoliciesConfig.INHERIT, config.route("status").policies().maxBodySizeBytes());
    }
}

package dev.sentinel.server.config.kdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.server.config.LimitsConfig;
import dev.sentinel.server.config.ListenerConfig;
import dev.sentinel.server.config.PoliciesConfig;
import dev.sentinel.server.config.RouteConfig;
import dev.sentinel.server.config.SentinelConfig;
import dev.sentinel.server.config.UpstreamConfig;
import java.net.InetAddress;
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
                upstreams { upstream "be" { target "127.0.0.1:1"; connection-pool { max-connections 1 } } }
                """, "d.kdl"));
        assertEquals("'connection-pool' in upstream \"be\" is not supported yet by Sentinel",
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
    void loadBalancerNamesKnownToZentinelButNotImplementedAreNotYetSupportedAndOthersUnknown() {
        ConfigException planned = assertThrows(ConfigException.class, () -> ConfigLoader.parse(MINIMAL
                + "upstreams { upstream \"u\" { target \"127.0.0.1:1\"; load-balancing \"least-tokens-queued\" } }", "g"));
        assertTrue(planned.errors().getFirst().message().endsWith("is not supported yet by Sentinel"));
        ConfigException unknown = assertThrows(ConfigException.class, () -> ConfigLoader.parse(MINIMAL
                + "upstreams { upstream \"u\" { target \"127.0.0.1:1\"; load-balancing \"fastest\" } }", "h"));
        assertTrue(unknown.errors().getFirst().message().contains("is unknown; available: adaptive, consistent_hash"));
    }

    @Test
    void theEmbeddedDefaultIsValid() throws Exception {
        SentinelConfig config = ConfigLoader.loadEmbeddedDefault();
        assertEquals(2, config.listeners().size());
        assertEquals(RouteConfig.Builtin.STATUS, config.route("status").builtin());
        assertEquals(PoliciesConfig.INHERIT, config.route("status").policies().maxBodySizeBytes());
    }

    @Test
    void connectionBoundsHaveFiniteDefaults() throws Exception {
        SentinelConfig config = ConfigLoader.parse(MINIMAL, "defaults.kdl");
        ListenerConfig listener = config.listeners().getFirst();
        assertEquals(1000, listener.keepaliveMaxRequests());
        assertEquals(ListenerConfig.DEFAULT_REQUEST_TIMEOUT, listener.requestTimeout());
        assertEquals(ListenerConfig.IpFilter.ALLOW_ALL, listener.ipFilter());
        assertEquals(10_000, config.system().maxConnections());
        assertEquals(100, config.limits().maxConnectionsPerClient());
        assertEquals(1024, config.limits().minRequestBodyRateBytesPerSec());
        assertEquals(LimitsConfig.defaults(), ConfigLoader.parse(MINIMAL + "limits { }", "empty.kdl").limits());
    }

    @Test
    void bindsConnectionBoundsAndTheIpFilter() throws Exception {
        SentinelConfig config = ConfigLoader.parse("""
                system { max-connections 50 }
                listeners {
                    listener "main" {
                        address "127.0.0.1:8080"
                        keepalive-max-requests 7
                        ip-filter {
                            allow "10.0.0.0/8" "127.0.0.1"
                            allow "2001:db8::/32"
                            deny "10.1.0.0/16"
                        }
                    }
                }
                limits { max-connections-per-client 3; min-request-body-rate-bytes-per-sec 256 }
                """, "bounds.kdl");
        ListenerConfig listener = config.listeners().getFirst();
        assertEquals(7, listener.keepaliveMaxRequests());
        assertEquals(List.of("10.0.0.0/8", "127.0.0.1/32", "2001:db8:0:0:0:0:0:0/32"),
                listener.ipFilter().allow().stream().map(Object::toString).toList());
        assertEquals(50, config.system().maxConnections());
        assertEquals(3, config.limits().maxConnectionsPerClient());
        assertEquals(256, config.limits().minRequestBodyRateBytesPerSec());

        ListenerConfig.IpFilter filter = listener.ipFilter();
        assertTrue(filter.admits(InetAddress.getByName("10.2.3.4")));
        assertFalse(filter.admits(InetAddress.getByName("10.1.3.4")), "deny wins over a wider allow");
        assertTrue(filter.admits(InetAddress.getByName("127.0.0.1")));
        assertFalse(filter.admits(InetAddress.getByName("127.0.0.2")), "a non-empty allow list admits only its members");
        assertTrue(filter.admits(InetAddress.getByName("2001:db8:ffff::1")));
        assertFalse(filter.admits(InetAddress.getByName("2001:db9::1")));
    }

    @Test
    void cidrsMatchOnTheirPrefixBits() throws Exception {
        ListenerConfig.Cidr odd = ListenerConfig.Cidr.parse("192.168.4.0/22");
        assertTrue(odd.contains(InetAddress.getByName("192.168.7.255")));
        assertFalse(odd.contains(InetAddress.getByName("192.168.8.0")));
        assertFalse(odd.contains(InetAddress.getByName("::ffff:c0a8:0801")));
        assertTrue(ListenerConfig.Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.9")));
        assertFalse(ListenerConfig.Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("::1")));
        assertTrue(ListenerConfig.Cidr.parse("::/0").contains(InetAddress.getByName("::1")));
        assertTrue(ListenerConfig.Cidr.parse("fe80::/10").contains(InetAddress.getByName("febf::1")));
        assertFalse(ListenerConfig.Cidr.parse("fe80::/10").contains(InetAddress.getByName("fec0::1")));
    }

    @Test
    void badCidrsAndBoundsAreRefusedWithTheirLocation() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("""
                system { max-connections 0 }
                listeners {
                    listener "main" {
                        address "127.0.0.1:8080"
                        keepalive-max-requests 0
                        ip-filter {
                            allow "10.0.0.0/33" "example.com"
                            deny "10.0.0.1/8" "::1/129" 12
                            allow
                            except "1.2.3.4"
                        }
                    }
                }
                limits { max-connections-per-client 0; min-request-body-rate-bytes-per-sec 0 }
                """, "bad.kdl"));
        List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
        assertEquals(11, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("bad.kdl:1:26: 'max-connections' must be between 1"), errors.get(0));
        assertTrue(errors.get(1).startsWith("bad.kdl:5:32: 'keepalive-max-requests' must be between 1"), errors.get(1));
        assertEquals("bad.kdl:7:19: bad CIDR in 'allow': prefix length '33' must be 0 to 32 for IPv4", errors.get(2));
        assertTrue(errors.get(3).startsWith("bad.kdl:7:33: bad CIDR in 'allow': 'example.com' is not an IP address"),
                errors.get(3));
        assertEquals("bad.kdl:8:18: bad CIDR in 'deny': '10.0.0.1/8' has host bits set; the network is 10.0.0.0/8",
                errors.get(4));
        assertEquals("bad.kdl:8:31: bad CIDR in 'deny': prefix length '129' must be 0 to 128 for IPv6", errors.get(5));
        assertEquals("bad.kdl:8:41: 'deny' takes CIDR strings", errors.get(6));
        assertTrue(errors.get(7).startsWith("bad.kdl:9:13: 'allow' takes one or more CIDR strings"), errors.get(7));
        assertTrue(errors.get(8).startsWith("bad.kdl:10:13: unknown key 'except' in listener \"main\" ip-filter;"
                + " accepted keys: allow, deny"), errors.get(8));
        assertTrue(errors.get(9).contains("'max-connections-per-client' must be between 1"), errors.get(9));
        assertTrue(errors.get(10).contains("'min-request-body-rate-bytes-per-sec' must be between 1"), errors.get(10));
    }
}

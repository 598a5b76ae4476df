package dev.sentinel.server.config.kdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.server.config.UpstreamConfig;
import dev.sentinel.server.plugin.PluginRegistry;
import dev.sentinel.spi.LoadBalancerProvider;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code load-balancing "NAME" { … }}: names, aliases and each balancer's settings, checked with file:line. */
class LoadBalancingConfigTest {
    private static final String HEAD = """
            system { worker-threads 1 }
            listeners { listener "main" { address "127.0.0.1:8080" } }
            """;

    @Test
    void everyBuiltInBalancerIsAvailableUnderItsZentinelNames() throws Exception {
        List<List<String>> spellings = List.of(
                List.of("round_robin", "round-robin", "roundrobin"),
                List.of("weighted", "weighted_round_robin", "weighted-round-robin"),
                List.of("random"),
                List.of("least_connections", "least-connections", "leastconnections"),
                List.of("weighted_least_connections", "wlc", "weighted_least_conn"),
                List.of("p2c", "power_of_two_choices", "power-of-two-choices"),
                List.of("ip_hash", "ip-hash", "iphash"),
                List.of("consistent_hash", "consistent-hash", "consistenthash"),
                List.of("maglev"),
                List.of("peak_ewma", "peakewma", "ewma"),
                List.of("adaptive"),
                List.of("sticky", "sticky_session", "stickysession"));
        for (List<String> names : spellings) {
            for (String name : names) {
                assertEquals(names.getFirst(), upstream("load-balancing \"" + name + "\"").loadBalancing(), name);
            }
        }
        assertEquals(spellings.stream().map(List::getFirst).sorted().toList(),
                PluginRegistry.builtins().types(LoadBalancerProvider.class));
    }

    @Test
    void eachSnapshotGetsAFreshBalancer() throws Exception {
        UpstreamConfig upstream = upstream("load-balancing \"least_connections\"");
        assertNotSame(upstream.newBalancer().get(), upstream.newBalancer().get());
        assertEquals("round_robin", upstream("").loadBalancing(), "the default");
    }

    @Test
    void balancerSettingsAreReadAndCheckedWithTheirLocation() throws Exception {
        upstream("""
                load-balancing "sticky" {
                    cookie-name "srv"
                    cookie-ttl "30m"
                    cookie-secure #false
                    fallback "least-connections"
                }""");
        upstream("load-balancing \"consistent_hash\" { key \"cookie:session\"; virtual-nodes 100 }");
        assertEquals(List.of("t.kdl:6:54: 'virtual-nodes' must be between 1 and 1000"),
                errors("load-balancing \"consistent_hash\" { virtual-nodes 5000 }"));
        assertEquals(List.of("t.kdl:6:45: 'cookie-secure' takes #true or #false"),
                errors("load-balancing \"sticky\" { cookie-secure \"yes\" }"));
        assertEquals(List.of("t.kdl:6:45: 'decay-time' is not a positive duration: \"soon\" (write whole seconds, or a "
                + "whole number with ms, s, m, h or d: \"30s\")"), errors("load-balancing \"peak_ewma\" { decay-time \"soon\" }"));
    }

    @Test
    void aSettingTheBalancerDoesNotKnowIsRefusedWithTheKeysItAccepts() throws Exception {
        List<String> errors = errors("load-balancing \"maglev\" {\n        key \"path\"\n        table-sise 101\n    }");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.getFirst().startsWith("t.kdl:8:9: unknown key 'table-sise' in load-balancing \"maglev\" in "
                + "upstream \"u\"; accepted keys: key, table-size"), errors.getFirst());
        assertEquals(List.of("t.kdl:6:31: unknown key 'key' in load-balancing \"random\" in upstream \"u\"; "
                + "load-balancing \"random\" in upstream \"u\" takes no settings"),
                errors("load-balancing \"random\" { key \"path\" }"));
    }

    @Test
    void aSettingGivenTwiceIsRefused() throws Exception {
        List<String> errors = errors("load-balancing \"maglev\" { table-size 101; table-size 103 }");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.getFirst().contains("'table-size' given more than once"), errors.getFirst());
    }

    @Test
    void anUnknownNameListsTheAvailableOnesAndAMalformedNodeIsRefused() throws Exception {
        String unknown = errors("load-balancing \"fastest-please\"").getFirst();
        assertTrue(unknown.startsWith("t.kdl:6:20: load-balancing \"fastest-please\" is unknown; available: adaptive, "),
                unknown);
        assertTrue(unknown.endsWith(", weighted, weighted_least_connections"), unknown);
        assertEquals(List.of("t.kdl:6:5: 'load-balancing' takes one name, e.g. load-balancing \"round_robin\", and an "
                + "optional block of settings"), errors("load-balancing \"random\" weight=2"));
        assertEquals(List.of("t.kdl:6:40: 'fallback' names no installed load-balancer \"nope\"; available: "
                + String.join(", ", PluginRegistry.builtins().types(LoadBalancerProvider.class))),
                errors("load-balancing \"sticky\" { fallback \"nope\" }"));
    }

    @Test
    void aTargetListedTwiceIsRefused() throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(HEAD
                + "upstreams { upstream \"u\" { target \"127.0.0.1:1\"; target \"127.0.0.1:1\" weight=2 } }", "t.kdl"));
        assertTrue(e.errors().getFirst().message().startsWith("target \"127.0.0.1:1\" is listed twice"), e.toString());
    }

    @Test
    void typedValuesOfAPluginBlock() throws Exception {
        KdlNode node = KdlParser.parse("""
                x "acme" {
                    size "2MB"
                    raw 4096
                    names "a" "b"
                    on #true
                    wait 5
                    quick "250ms"
                }
                """, "p.kdl").getFirst();
        KdlPluginConfig config = new KdlPluginConfig(node, "x \"acme\"", PluginRegistry.builtins());
        assertEquals("acme", config.type());
        assertEquals(2L * 1024 * 1024, config.bytes("size", 0));
        assertEquals(4096, config.bytes("raw", 0));
        assertEquals(7, config.bytes("absent", 7));
        assertEquals(List.of("a", "b"), config.strings("names"));
        assertTrue(config.bool("on", false));
        assertEquals(Duration.ofSeconds(5), config.duration("wait", null));
        assertEquals(Duration.ofMillis(250), config.duration("quick", null));
        assertTrue(config.has("size"));
        assertEquals(List.of(), config.unknownKeys());
        dev.sentinel.spi.ConfigException e = config.invalid("names", "no b please");
        assertEquals("p.kdl:4:11: no b please", e.getMessage());
        assertEquals("names", e.key());
        assertEquals("p.kdl:1:1: whole block", config.invalid(null, "whole block").getMessage());
    }

    @Test
    void pluginsThatDelegateGetTheirDelegateFromTheRegistry() throws Exception {
        KdlNode node = KdlParser.parse("x \"acme\" { next \"least-connections\" }", "p.kdl").getFirst();
        KdlPluginConfig config = new KdlPluginConfig(node, "x \"acme\"", PluginRegistry.builtins());
        assertTrue(config.plugin("next", LoadBalancerProvider.class, "round_robin") != null);
        assertTrue(config.plugin("other", LoadBalancerProvider.class, "random") != null);
    }

    private static UpstreamConfig upstream(String balancing) throws ConfigException {
        return ConfigLoader.parse(HEAD + "upstreams {\n  upstream \"u\" {\n    target \"127.0.0.1:1\"; target \"127.0.0.1:2\"\n    "
                + balancing + "\n  }\n}\n", "t.kdl").upstreams().get("u");
    }

    private static List<String> errors(String balancing) {
        ConfigException e = assertThrows(ConfigException.class, () -> upstream(balancing));
        return e.errors().stream().map(ConfigError::toString).toList();
    }
}

package dev.sentinel.server.config.kdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.sentinel.server.config.AgentConfig;
import dev.sentinel.server.config.AgentFilterConfig;
import dev.sentinel.server.config.SentinelConfig;
import dev.sentinel.server.plugin.PluginRegistry;
import dev.sentinel.server.plugin.probe.ProbeAgentProvider;
import dev.sentinel.spi.AgentProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code agents { agent … }} and filters of type {@code "agent"}: keys, defaults, overrides and refusals. */
class AgentsConfigTest {
    private static final String HEAD = """
            system { worker-threads 1 }
            listeners { listener "main" { address "127.0.0.1:8080" } }
            upstreams { upstream "u" { target "127.0.0.1:1" } }
            routes { route "r" { matches { path-prefix "/" }; upstream "u"; filters "f" } }
            """;

    @TempDir
    static Path plugins;
    private static PluginRegistry registry;

    @BeforeAll
    static void probeAgentInstalled() throws IOException {
        try (OutputStream file = Files.newOutputStream(plugins.resolve("probe.jar"));
             JarOutputStream jar = new JarOutputStream(file)) {
            String entry = ProbeAgentProvider.class.getName().replace('.', '/') + ".class";
            jar.putNextEntry(new JarEntry(entry));
            try (InputStream bytes = ProbeAgentProvider.class.getClassLoader().getResourceAsStream(entry)) {
                bytes.transferTo(jar);
            }
            jar.putNextEntry(new JarEntry("META-INF/services/" + AgentProvider.class.getName()));
            jar.write((ProbeAgentProvider.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        registry = PluginRegistry.load(plugins);
    }

    @Test
    void theDefaultsAreDocumentedOnes() throws Exception {
        SentinelConfig config = parse("agents { agent \"a\" type=\"probe_agent\" }\n"
                + "filters { filter \"f\" { type \"agent\"; agent \"a\" } }\n");
        AgentConfig agent = config.agents().get("a");
        assertEquals("probe_agent", agent.type());
        assertEquals(EnumSet.of(AgentConfig.Event.REQUEST_HEADERS), agent.events());
        assertEquals(Duration.ofMillis(1000), agent.timeout());
        assertEquals(AgentConfig.FailureMode.CLOSED, agent.failureMode());
        assertEquals(1024 * 1024, agent.maxBodyBytes());
        assertEquals(100, agent.maxConcurrentCalls());
        AgentFilterConfig filter = config.filters().get("f").agent();
        assertEquals(new AgentFilterConfig("a", null, null, AgentFilterConfig.Phase.BOTH, null, null), filter);
    }

    @Test
    void bothSpellingsOfTheTypeAndEveryServerKeyAreRead() throws Exception {
        SentinelConfig config = parse("""
                agents {
                    agent "a" {
                        type "probe-agent"
                        events "request_headers" "request-body" "response_headers"
                        timeout-ms 250
                        failure-mode "open"
                        max-request-body-bytes "64KB"
                        max-concurrent-calls 8
                        greeting "hi"
                    }
                }
                filters {
                    filter "f" { type "agent"; agent "a"; timeout-ms 50; failure-mode "closed"; phase "request"
                                 inspect-body #true; max-body-bytes 1000 }
                }
                """);
        AgentConfig agent = config.agents().get("a");
        assertEquals(EnumSet.allOf(AgentConfig.Event.class), agent.events());
        assertEquals(Duration.ofMillis(250), agent.timeout());
        assertEquals(AgentConfig.FailureMode.OPEN, agent.failureMode());
        assertEquals(64 * 1024, agent.maxBodyBytes());
        assertEquals(8, agent.maxConcurrentCalls());
        assertEquals(new AgentFilterConfig("a", Duration.ofMillis(50), AgentConfig.FailureMode.CLOSED,
                AgentFilterConfig.Phase.REQUEST, true, 1000L), config.filters().get("f").agent());
        assertNull(config.filters().get("f").factory());
    }

    @Test
    void anUnknownTypeListsTheInstalledAgentsAndAnUnknownSettingTheAcceptedKeys() {
        assertEquals(List.of("t.kdl:5:25: agent \"a\" has type \"nope\", which is unknown; available: probe_agent"),
                errors("agents { agent \"a\" type=\"nope\" }\nfilters { filter \"f\" { type \"agent\"; agent \"a\" } }\n"));
        assertEquals(List.of("t.kdl:5:41: unknown key 'greting' in agent \"a\"; accepted keys: greeting"),
                errors("agents { agent \"a\" type=\"probe_agent\" { greting \"x\" } }\n"
                        + "filters { filter \"f\" { type \"agent\"; agent \"a\" } }\n"));
    }

    @Test
    void externalTransportsAreNotSupportedYetAndTheFilterOnSuchAnAgentIsNotReportedAgain() {
        assertEquals(List.of("t.kdl:8:9: 'grpc' in agent \"auth\" (an external agent transport; Sentinel's "
                + "agents run in-process) is not supported yet by Sentinel"), errors("""
                agents {
                    agent "auth" {
                        type "auth"
                        grpc address="http://localhost:50051"
                        circuit-breaker { failure-threshold 5 }
                    }
                }
                filters { filter "f" { type "agent"; agent "auth"; timeout-ms 100; failure-mode "closed" } }
                """));
    }

    @Test
    void badServerKeysAndReferencesAreRefusedWhereTheyStand() {
        assertEquals(List.of(
                "t.kdl:5:48: event 'response_body' in agent \"a\" is not supported yet by Sentinel",
                "t.kdl:5:64: unknown event 'everything' in agent \"a\"; available: request_headers, request_body, "
                        + "response_headers",
                "t.kdl:6:54: 'failure-mode' is \"open\" or \"closed\", not \"maybe\"",
                "t.kdl:7:52: 'timeout-ms' must be between 1 and 60000"), errors("""
                agents { agent "a" type="probe_agent" { events "response_body" "everything" }
                         agent "b" type="probe_agent" { failure-mode "maybe" }
                         agent "c" type="probe_agent" { timeout-ms 0 } }
                filters { filter "f" { type "agent"; agent "a" } }
                """));
        assertEquals(List.of("t.kdl:6:38: filter \"f\" names agent 'x', which is not defined; defined: a"), errors("""
                agents { agent "a" type="probe_agent" }
                filters { filter "f" { type "agent"; agent "x" } }
                """));
        assertEquals(List.of("t.kdl:6:49: filter \"f\" has inspect-body #true, but agent 'a' does not subscribe to "
                + "request_body (events \"request_body\")"), errors("""
                agents { agent "a" type="probe_agent" }
                filters { filter "f" { type "agent"; agent "a"; inspect-body #true } }
                """));
        assertEquals(List.of("t.kdl:6:49: unknown key 'retries' in filter \"f\"; accepted keys: type, agent, timeout-ms, "
                + "failure-mode, phase, inspect-body, max-body-bytes"), errors("""
                agents { agent "a" type="probe_agent" }
                filters { filter "f" { type "agent"; agent "a"; retries 3 } }
                """));
    }

    private static SentinelConfig parse(String rest) throws ConfigException {
        return ConfigLoader.parse(HEAD + rest, "t.kdl", registry);
    }

    private static List<String> errors(String rest) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(rest));
        return e.errors().stream().map(ConfigError::toString).toList();
    }
}

package dev.sentinel.server.config.kdl;

import dev.sentinel.server.config.AgentConfig;
import dev.sentinel.server.plugin.PluginRegistry;
import dev.sentinel.spi.Agent;
import dev.sentinel.spi.AgentProvider;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code agents { agent "id" type="TYPE" { … } }} (or {@code agent "id" { type "TYPE"; … }}, as Zentinel's
 * reference configs write it). The server reads {@code events}, {@code timeout-ms}, {@code failure-mode},
 * {@code max-request-body-bytes} and {@code max-concurrent-calls}; every other child is the settings of
 * the {@link AgentProvider} the type names.
 *
 * <p>Zentinel's agents are external processes reached over {@code grpc}, {@code unix-socket} or
 * {@code http}; Sentinel's run in-process, so an agent with a transport is refused as not supported yet,
 * and nothing else about it is reported: its type is a label for a process Sentinel cannot reach.
 */
final class AgentBinder {
    private static final List<String> TRANSPORTS = List.of("grpc", "unix-socket", "http");
    /** Zentinel's agent keys that Sentinel does not implement yet. */
    private static final List<String> NOT_YET = List.of("circuit-breaker", "request-body-mode",
            "response-body-mode", "chunk-timeout-ms", "max-response-body-bytes", "config", "pool",
            "protocol-version");
    /** Zentinel's events that Sentinel does not deliver yet. */
    private static final Set<String> EVENTS_NOT_YET = Set.of("response_body", "log", "request_complete",
            "websocket_frame", "web_socket_frame", "guardrail");
    private static final String[] SERVER_KEYS = serverKeys();

    /**
     * @param agents  the agents that bound, by id
     * @param defined every id the block defines, bound or refused: filters naming a refused one are not
     *                reported again
     */
    record Bound(Map<String, AgentConfig> agents, Set<String> defined) {
        static final Bound EMPTY = new Bound(Map.of(), Set.of());
    }

    private AgentBinder() {
    }

    static Bound bind(Block agents, PluginRegistry plugins) {
        agents.expectShape(0);
        Map<String, AgentConfig> bound = new LinkedHashMap<>();
        Map<String, KdlNode> seen = new LinkedHashMap<>();
        for (KdlNode node : agents.children("agent")) {
            String id = Ids.of(agents, node, "agent");
            if (id == null) {
                continue;
            }
            KdlNode first = seen.putIfAbsent(id, node);
            if (first != null) {
                agents.diagnostics().error(node.location(), "agent id '" + id + "' is used twice (first at line "
                        + first.location().line() + ")");
                continue;
            }
            AgentConfig agent = agent(node, id, plugins, agents.diagnostics());
            if (agent != null) {
                bound.put(id, agent);
            }
        }
        agents.finish();
        return new Bound(bound, Set.copyOf(seen.keySet()));
    }

    private static AgentConfig agent(KdlNode node, String id, PluginRegistry plugins, Diagnostics diag) {
        String label = "agent \"" + id + "\"";
        for (KdlNode child : node.children()) {
            if (TRANSPORTS.contains(child.name())) {
                diag.error(child.location(), "'" + child.name() + "' in " + label + " (an external agent transport; "
                        + "Sentinel's agents run in-process) is not supported yet by Sentinel");
                return null;
            }
        }
        KdlValue.Str type = type(node, label, plugins, diag);
        Block block = new Block(node, label, diag);
        for (String key : NOT_YET) {
            KdlNode child = block.child(key);
            if (child != null) {
                diag.error(child.location(), "'" + key + "' in " + label + " is not supported yet by Sentinel");
            }
        }
        Set<AgentConfig.Event> events = events(block.child("events"), label, diag);
        Duration timeout = millis(block, "timeout-ms", AgentConfig.DEFAULT_TIMEOUT);
        AgentConfig.FailureMode failureMode = failureMode(block, AgentConfig.FailureMode.CLOSED);
        KdlNode bodyNode = block.child("max-request-body-bytes");
        Long maxBody = bodyNode == null ? Long.valueOf(AgentConfig.DEFAULT_MAX_BODY_BYTES) : block.bytes(bodyNode);
        if (maxBody != null && maxBody < 1) {
            diag.error(bodyNode.location(), "'max-request-body-bytes' must be at least 1");
            maxBody = null;
        }
        int maxCalls = block.integer(new String[] {"max-concurrent-calls"}, AgentConfig.DEFAULT_MAX_CONCURRENT_CALLS,
                1, 10_000);
        if (type == null) {
            return null;
        }
        Supplier<Agent> factory = PluginBinder.bind(AgentProvider.class, type, label + " has type \"" + type.value()
                        + "\", which", Set.of(),
                () -> KdlPluginConfig.typedBlock(node, type.value(), label, plugins, SERVER_KEYS), label, plugins, diag);
        if (factory == null || events == null || timeout == null || failureMode == null || maxBody == null) {
            return null;
        }
        return new AgentConfig(id, plugins.find(AgentProvider.class, type.value()).type(), events, timeout,
                failureMode, maxBody, maxCalls, factory);
    }

    /** {@code type="NAME"} on the node, or a {@code type "NAME"} child; exactly one of them. */
    private static KdlValue.Str type(KdlNode node, String label, PluginRegistry plugins, Diagnostics diag) {
        String available = "; available: " + String.join(", ", plugins.types(AgentProvider.class));
        List<KdlNode> typeChildren = node.children().stream().filter(c -> c.name().equals("type")).toList();
        KdlValue property = node.properties().get("type");
        for (Map.Entry<String, KdlValue> other : node.properties().entrySet()) {
            if (!other.getKey().equals("type")) {
                diag.error(other.getValue().location(), "unexpected property '" + other.getKey() + "' on " + label);
            }
        }
        if (node.arguments().size() != 1) {
            diag.error(node.location(), label + " takes its name only, then its type and a block: " + label
                    + " type=\"NAME\" { … }");
            return null;
        }
        if (property != null && !typeChildren.isEmpty() || typeChildren.size() > 1) {
            diag.error(node.location(), label + " gives its type more than once");
            return null;
        }
        if (property != null) {
            if (property instanceof KdlValue.Str s) {
                return s;
            }
            diag.error(property.location(), label + " type must be a string" + available);
            return null;
        }
        if (typeChildren.isEmpty()) {
            diag.error(node.location(), label + " needs its type: " + label + " type=\"NAME\" { … }" + available);
            return null;
        }
        KdlNode child = typeChildren.getFirst();
        if (child.arguments().size() == 1 && child.arguments().getFirst() instanceof KdlValue.Str s
                && child.properties().isEmpty() && child.children().isEmpty()) {
            return s;
        }
        diag.error(child.location(), label + " needs its type: type \"NAME\"" + available);
        return null;
    }

    private static Set<AgentConfig.Event> events(KdlNode node, String label, Diagnostics diag) {
        if (node == null) {
            return EnumSet.of(AgentConfig.Event.REQUEST_HEADERS);
        }
        if (node.arguments().isEmpty() || !node.properties().isEmpty() || !node.children().isEmpty()) {
            diag.error(node.location(), "'events' in " + label + " takes one or more event names: events "
                    + "\"request_headers\" \"request_body\"");
            return null;
        }
        Set<AgentConfig.Event> events = EnumSet.noneOf(AgentConfig.Event.class);
        boolean ok = true;
        for (KdlValue value : node.arguments()) {
            String name = value instanceof KdlValue.Str s ? s.value().replace('-', '_') : null;
            AgentConfig.Event event = null;
            for (AgentConfig.Event e : AgentConfig.Event.values()) {
                if (e.label().equals(name)) {
                    event = e;
                }
            }
            if (event != null) {
                events.add(event);
                continue;
            }
            ok = false;
            if (name != null && EVENTS_NOT_YET.contains(name)) {
                diag.error(value.location(), "event '" + name + "' in " + label + " is not supported yet by Sentinel");
            } else {
                diag.error(value.location(), "unknown event " + (name == null ? "(not a string)" : "'" + name + "'")
                        + " in " + label + "; available: request_headers, request_body, response_headers");
            }
        }
        return ok ? events : null;
    }

    /** {@code timeout-ms N}, 1 ms to a minute; {@code null} after reporting a bad value. */
    static Duration millis(Block block, String key, Duration fallback) {
        KdlNode child = block.child(key);
        if (child == null) {
            return fallback;
        }
        Long ms = block.integer(child, 1, AgentConfig.MAX_TIMEOUT.toMillis());
        return ms == null ? null : Duration.ofMillis(ms);
    }

    /** {@code failure-mode "open"|"closed"} (Zentinel's {@code fail_open}, {@code fail-closed} too). */
    static AgentConfig.FailureMode failureMode(Block block, AgentConfig.FailureMode fallback) {
        KdlNode child = block.child("failure-mode");
        if (child == null) {
            return fallback;
        }
        String mode = block.string(child);
        if (mode == null) {
            return null;
        }
        return switch (mode) {
            case "open", "fail_open", "fail-open" -> AgentConfig.FailureMode.OPEN;
            case "closed", "fail_closed", "fail-closed" -> AgentConfig.FailureMode.CLOSED;
            default -> {
                block.diagnostics().error(child.arguments().getFirst().location(), "'failure-mode' is \"open\" or "
                        + "\"closed\", not \"" + mode + "\"");
                yield null;
            }
        };
    }

    private static String[] serverKeys() {
        Set<String> keys = new LinkedHashSet<>(List.of("type", "events", "timeout-ms", "failure-mode",
                "max-request-body-bytes", "max-concurrent-calls"));
        keys.addAll(NOT_YET);
        return keys.toArray(String[]::new);
    }
}

package dev.sentinel.server.config.kdl;

import dev.sentinel.server.config.AgentConfig;
import dev.sentinel.server.config.AgentFilterConfig;
import dev.sentinel.server.config.FilterConfig;
import java.time.Duration;

/**
 * {@code filter "id" { type "agent"; agent "NAME"; timeout-ms …; failure-mode …; phase …; inspect-body …;
 * max-body-bytes … }}: puts an agent of the {@code agents} block on the routes that name the filter. Every
 * key is the server's; the filter's {@code timeout-ms}, {@code failure-mode} and {@code max-body-bytes}
 * override the agent's.
 */
final class AgentFilterBinder {
    private AgentFilterBinder() {
    }

    /** The filter, or {@code null} after reporting why not (or when its agent was refused already). */
    static FilterConfig bind(KdlNode node, String id, AgentBinder.Bound agents, Diagnostics diag) {
        String label = "filter \"" + id + "\"";
        Block block = new Block(node, label, diag);
        block.child("type");
        KdlNode agentNode = block.child("agent");
        String agentId = agentNode == null ? null : block.string(agentNode);
        Duration timeout = AgentBinder.millis(block, "timeout-ms", null);
        AgentConfig.FailureMode failureMode = AgentBinder.failureMode(block, null);
        AgentFilterConfig.Phase phase = phase(block);
        KdlNode inspectNode = block.child("inspect-body");
        Boolean inspectBody = inspectNode == null ? null : block.bool("inspect-body", false);
        KdlNode maxBodyNode = block.child("max-body-bytes");
        Long maxBody = maxBodyNode == null ? null : block.bytes(maxBodyNode);
        if (maxBody != null && maxBody < 1) {
            diag.error(maxBodyNode.location(), "'max-body-bytes' must be at least 1");
        }
        block.finish();

        if (agentNode == null) {
            diag.error(node.location(), label + " of type \"agent\" names its agent: agent \"NAME\"");
            return null;
        }
        if (agentId == null) {
            return null;
        }
        if (!agents.defined().contains(agentId)) {
            diag.error(agentNode.location(), label + " names agent '" + agentId + "', which is not defined; defined: "
                    + (agents.defined().isEmpty() ? "none (add an 'agents' block)"
                    : String.join(", ", agents.agents().keySet())));
            return null;
        }
        AgentConfig agent = agents.agents().get(agentId);
        if (agent == null) {
            return null; // refused where it is defined, and reported there
        }
        if (Boolean.TRUE.equals(inspectBody) && !agent.events().contains(AgentConfig.Event.REQUEST_BODY)) {
            diag.error(inspectNode.location(), label + " has inspect-body #true, but agent '" + agentId
                    + "' does not subscribe to request_body (events \"request_body\")");
            return null;
        }
        if (phase == null) {
            return null;
        }
        // A bad timeout-ms, failure-mode or max-body-bytes was reported: the whole configuration is refused.
        return FilterConfig.agent(id, new AgentFilterConfig(agentId, timeout, failureMode, phase, inspectBody,
                maxBody));
    }

    private static AgentFilterConfig.Phase phase(Block block) {
        String phase = block.string("phase", "both");
        return switch (phase) {
            case "request" -> AgentFilterConfig.Phase.REQUEST;
            case "response" -> AgentFilterConfig.Phase.RESPONSE;
            case "both" -> AgentFilterConfig.Phase.BOTH;
            default -> {
                block.diagnostics().error(block.child("phase").location(), "'phase' is \"request\", \"response\" or "
                        + "\"both\", not \"" + phase + "\"");
                yield null;
            }
        };
    }
}

package dev.sentinel.server.agent;

import dev.sentinel.server.config.AgentConfig;
import dev.sentinel.server.filter.FilterRequests;
import dev.sentinel.server.filter.FilterResponses;
import dev.sentinel.server.filter.Replies;
import dev.sentinel.spi.Decision;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.Filter;
import dev.sentinel.spi.FilterRequest;
import dev.sentinel.spi.FilterResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.jetty.server.Request;

/**
 * A filter of type {@code "agent"}: shows its agent the events it subscribed to, each call guarded by
 * {@link GuardedAgent}, and turns the outcome into the filter's decision.
 *
 * <ul>
 *   <li><b>request_headers</b>: on allow, the call's request header changes reach the upstream;</li>
 *   <li><b>request_body</b>: the body is read whole (bounded by {@code max-body-bytes}, else 413) before
 *       the upstream sees any of it, and shown in chunks of {@value #CHUNK_BYTES} bytes, each a call;
 *       an empty body is not shown;</li>
 *   <li><b>response_headers</b>: in the response phase, where the upstream's head arrives; on allow its
 *       response header changes apply, otherwise the decision replaces the upstream's response
 *       ({@link Replies#replace}).</li>
 * </ul>
 * Response header changes asked for in the request phase are applied in the response phase. A failure
 * (timeout, exception, overload, a reply that cannot be sent) allows with no changes under
 * {@code failure-mode "open"}, and answers 503 under {@code "closed"}.
 */
public final class AgentFilter implements Filter {
    static final int CHUNK_BYTES = 16 * 1024;

    private final GuardedAgent agent;
    private final Duration timeout;
    private final AgentConfig.FailureMode failureMode;
    private final Set<AgentConfig.Event> events;
    private final long maxBodyBytes;
    /** Where this filter keeps a request's response header changes until its response phase. */
    private final String deferredEditsAttribute;

    /**
     * @param events the agent's events this filter delivers (its phase and inspect-body applied)
     */
    public AgentFilter(String filterId, GuardedAgent agent, Duration timeout, AgentConfig.FailureMode failureMode,
                       Set<AgentConfig.Event> events, long maxBodyBytes) {
        this.agent = agent;
        this.timeout = timeout;
        this.failureMode = failureMode;
        this.events = Set.copyOf(events);
        this.maxBodyBytes = maxBodyBytes;
        this.deferredEditsAttribute = AgentFilter.class.getName() + ".edits." + filterId;
    }

    @Override
    public Decision onRequest(FilterRequest request) throws IOException {
        if (events.contains(AgentConfig.Event.REQUEST_HEADERS)) {
            AgentExchange copy = AgentExchange.copyOf(request);
            Decision decision = settle(request, agent.call(AgentConfig.Event.REQUEST_HEADERS, timeout,
                    (a, edits) -> a.onRequestHeaders(copy.forCall(edits), edits)));
            if (!(decision instanceof Decision.Allow)) {
                return decision;
            }
        }
        if (events.contains(AgentConfig.Event.REQUEST_BODY)) {
            return inspectBody(request);
        }
        return Decision.allow();
    }

    private Decision inspectBody(FilterRequest request) throws IOException {
        String declared = request.header("Content-Length");
        // The framing checks let only digits through; more than 18 of them is beyond any limit.
        if (declared != null && (declared.length() > 18 || Long.parseLong(declared) > maxBodyBytes)) {
            return tooLarge();
        }
        // Without a declared length, only reading tells: stop at the first byte past the limit rather than
        // hold the whole body (up to the route's larger limit). The chain answers the failure 413.
        byte[] body = FilterRequests.body(request, maxBodyBytes);
        // After the header call's changes, which the agent may look for.
        AgentExchange copy = body.length == 0 ? null : AgentExchange.copyOf(request);
        for (int offset = 0; offset < body.length; offset += CHUNK_BYTES) {
            ByteBuffer chunk = ByteBuffer.wrap(body, offset, Math.min(CHUNK_BYTES, body.length - offset)).slice()
                    .asReadOnlyBuffer();
            boolean last = offset + CHUNK_BYTES >= body.length;
            Decision decision = settle(request, agent.call(AgentConfig.Event.REQUEST_BODY, timeout,
                    (a, edits) -> a.onRequestBody(copy.forCall(edits), chunk, last, edits)));
            if (!(decision instanceof Decision.Allow)) {
                return decision;
            }
        }
        return Decision.allow();
    }

    /** The filter's decision for one request-phase call; a timely allow's changes are applied here. */
    private Decision settle(FilterRequest request, GuardedAgent.Outcome outcome) {
        return switch (outcome) {
            case GuardedAgent.Decided(Decision.Allow allow, List<CallEdits.Edit> edits) -> {
                CallEdits.applyTo(request, edits);
                defer((Request) request, edits);
                yield allow;
            }
            case GuardedAgent.Decided(Decision decision, List<CallEdits.Edit> edits) -> decision;
            case GuardedAgent.Failed failed -> onFailure();
        };
    }

    @Override
    public void onResponse(Exchange exchange, FilterResponse response) {
        Request request = (Request) exchange;
        if (Replies.replacement(request) != null) {
            return; // replaced already: what is written next is the replacement
        }
        @SuppressWarnings("unchecked")
        List<CallEdits.Edit> deferred = (List<CallEdits.Edit>) request.getAttribute(deferredEditsAttribute);
        if (deferred != null) {
            CallEdits.applyTo(response, deferred);
        }
        if (!events.contains(AgentConfig.Event.RESPONSE_HEADERS)) {
            return;
        }
        AgentExchange copy = AgentExchange.copyOf(exchange);
        ResponseHeadCopy head = new ResponseHeadCopy(response.status(), FilterResponses.copyOfHeaders(response));
        GuardedAgent.Outcome outcome = agent.call(AgentConfig.Event.RESPONSE_HEADERS, timeout,
                (a, edits) -> a.onResponseHeaders(copy.forCall(edits), head, edits));
        switch (outcome) {
            case GuardedAgent.Decided(Decision.Allow allow, List<CallEdits.Edit> edits) ->
                    CallEdits.applyTo(response, edits);
            case GuardedAgent.Decided(Decision decision, List<CallEdits.Edit> edits) -> replace(request, decision);
            case GuardedAgent.Failed failed -> replace(request, onFailure());
        }
    }

    /** Records the reply that replaces the response; allow (a failure under failure-mode open) replaces nothing. */
    private void replace(Request request, Decision decision) {
        if (!(decision instanceof Decision.Allow)) {
            Replies.replace(request, decision);
        }
    }

    private void defer(Request request, List<CallEdits.Edit> edits) {
        if (edits.stream().anyMatch(e -> e.side() == CallEdits.Side.RESPONSE)) {
            @SuppressWarnings("unchecked")
            List<CallEdits.Edit> earlier = (List<CallEdits.Edit>) request.getAttribute(deferredEditsAttribute);
            request.setAttribute(deferredEditsAttribute, earlier == null ? edits
                    : Stream.concat(earlier.stream(), edits.stream()).toList());
        }
    }

    private Decision onFailure() {
        return failureMode == AgentConfig.FailureMode.OPEN ? Decision.allow()
                : Decision.deny(503, "service unavailable");
    }

    private static Decision tooLarge() {
        return Decision.deny(413, "request body too large");
    }
}

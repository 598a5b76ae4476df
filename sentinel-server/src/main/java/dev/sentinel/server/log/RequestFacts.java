package dev.sentinel.server.log;

/**
 * What the request path learned that the access log reports, kept as one request attribute and
 * filled in as the request travels: trace id and route first, the upstream once one is chosen.
 */
public final class RequestFacts {
    public static final String ATTRIBUTE = RequestFacts.class.getName();

    private final String traceId;
    private final String routeId;
    private volatile String upstream;
    private volatile String upstreamAddress;
    private volatile long upstreamWritePendingNanos = -1;

    public RequestFacts(String traceId, String routeId) {
        this.traceId = traceId;
        this.routeId = routeId;
    }

    public void upstream(String upstreamId, String address) {
        this.upstream = upstreamId;
        this.upstreamAddress = address;
    }

    /** How long the request body waited on the upstream connection (see TimedRequestContent). */
    public void upstreamWritePending(long nanos) {
        this.upstreamWritePendingNanos = nanos;
    }

    /** -1 when the request had no body sent upstream. */
    long upstreamWritePendingNanos() {
        return upstreamWritePendingNanos;
    }

    public String traceId() {
        return traceId;
    }

    String routeId() {
        return routeId;
    }

    String upstream() {
        return upstream;
    }

    String upstreamAddress() {
        return upstreamAddress;
    }
}

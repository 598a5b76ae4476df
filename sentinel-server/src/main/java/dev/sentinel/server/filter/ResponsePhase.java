package dev.sentinel.server.filter;

import org.eclipse.jetty.server.Response;

/**
 * The response phase still owed to the filters a request went through. The forwarding engine applies it
 * to the upstream's response head (or its own error reply) before anything is sent.
 */
public interface ResponsePhase {
    /** For requests that went through no filter. */
    ResponsePhase NONE = new ResponsePhase() {
        @Override
        public void apply(Response response) {
        }

        @Override
        public Response beforeCommit(Response response) {
            return response;
        }
    };

    /** Runs the owed response phases, last filter first, on a response that is not committed yet. */
    void apply(Response response);

    /**
     * A response that runs {@link #apply} just before its head is first written: for replies Sentinel
     * makes itself (a filter's decision, a builtin handler).
     */
    Response beforeCommit(Response response);
}

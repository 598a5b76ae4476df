package dev.sentinel.server.filter;

import dev.sentinel.spi.FilterResponse;
import org.eclipse.jetty.http.HttpFields;

/** Server-side access to the response head the filters see. */
public final class FilterResponses {
    private FilterResponses() {
    }

    /** An immutable copy of the headers of a response in its response phase. */
    public static HttpFields copyOfHeaders(FilterResponse response) {
        if (response instanceof CoreFilterResponse core) {
            return core.copyOfHeaders();
        }
        throw new IllegalArgumentException("not a response of Sentinel's filter chain: " + response);
    }
}

package dev.sentinel.server.filter;

import dev.sentinel.server.limits.BodyLimitExceeded;
import dev.sentinel.spi.FilterRequest;
import java.io.IOException;

/** Server-side access to the request the filters see. */
public final class FilterRequests {
    private FilterRequests() {
    }

    /**
     * The body, as {@link FilterRequest#body()} gives it (and still to go on with), when it is at most
     * {@code maxBytes} long. A longer one is read only until it is known to be longer, not whole: it is
     * refused anyway.
     *
     * @throws BodyLimitExceeded when the body is longer than {@code maxBytes}
     */
    public static byte[] body(FilterRequest request, long maxBytes) throws IOException {
        if (request instanceof FilterExchange exchange) {
            return exchange.body(maxBytes);
        }
        throw new IllegalArgumentException("not a request of Sentinel's filter chain: " + request);
    }
}

package com.example.sentinel.maintenance;

import dev.sentinel.spi.Decision;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.Filter;
import dev.sentinel.spi.FilterRequest;
import dev.sentinel.spi.FilterResponse;
import java.time.Duration;

/**
 * Takes a route down for maintenance: everyone gets a 503 with {@code Retry-After}, except requests that
 * carry the bypass header, which go through without it (the upstream never sees the bypass secret) and
 * come back marked {@code X-Maintenance: bypassed}.
 *
 * <p>Both phases, and nothing held between them: the response phase recognises a bypassed request by the
 * request itself, as this one instance serves every request at once.
 */
final class MaintenanceFilter implements Filter {
    private static final String BYPASSED = "X-Example-Bypassed";

    private final String bypassHeader;
    private final String retryAfterSeconds;

    MaintenanceFilter(String bypassHeader, Duration retryAfter) {
        this.bypassHeader = bypassHeader;
        this.retryAfterSeconds = Long.toString(retryAfter.toSeconds());
    }

    @Override
    public Decision onRequest(FilterRequest request) {
        if (request.header(bypassHeader) == null) {
            return Decision.deny(503, "down for maintenance").withHeader("Retry-After", retryAfterSeconds);
        }
        request.removeHeader(bypassHeader);
        request.setHeader(BYPASSED, "1");
        return Decision.allow();
    }

    @Override
    public void onResponse(Exchange request, FilterResponse response) {
        if (request.header(BYPASSED) != null) {
            response.setHeader("X-Maintenance", "bypassed");
        }
    }
}

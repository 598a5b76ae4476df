package dev.sentinel.server.server;

import dev.sentinel.server.error.ErrorResponses;
import dev.sentinel.server.forward.ResponseStamp;
import dev.sentinel.server.observability.ProxyMetrics;
import dev.sentinel.server.observability.TraceIds;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty raises itself, before a request reaches the handler tree (malformed request line or
 * headers, header section too large, URI too long, ...): answered in Sentinel's JSON shape with the
 * correlation id, and counted as refusals by status, instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
    private final BooleanSupplier securityHeaders;
    private final ProxyMetrics metrics;

    JsonErrorHandler(BooleanSupplier securityHeaders, ProxyMetrics metrics) {
        this.securityHeaders = securityHeaders;
        this.metrics = metrics;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        String traceId = TraceIds.of(request.getHeaders());
        ResponseStamp.stamp(response.getHeaders(), traceId, securityHeaders.getAsBoolean());
        metrics.requestRefused("protocol_" + code);
        ErrorResponses.write(response, callback, code, traceId, false);
    }
}

package dev.sentinel.server.server;

import dev.sentinel.server.error.ErrorResponses;
import dev.sentinel.server.observability.TraceIds;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code observability { metrics { address path } }}: its own connector, serving only the metrics path. */
final class MetricsListener extends Handler.Abstract.NonBlocking {
    static final String CONNECTOR_NAME = "sentinel-metrics";

    private final String path;
    private final Builtins builtins;

    MetricsListener(String path, Builtins builtins) {
        this.path = path;
        this.builtins = builtins;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!CONNECTOR_NAME.equals(request.getConnectionMetaData().getConnector().getName())) {
            return false;
        }
        if (path.equals(request.getHttpURI().getPath())) {
            builtins.writeMetrics(response, callback);
        } else {
            ErrorResponses.write(response, callback, 404, TraceIds.of(request.getHeaders()), false);
        }
        return true;
    }
}

package dev.sentinel.server.error;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Writes {@link ErrorBody} responses on the Jetty core API. */
public final class ErrorResponses {
    private ErrorResponses() {
    }

    /**
     * Completes {@code callback} with a JSON error. With {@code close}, the connection is not reused:
     * for refusals that leave unread request bytes, whose framing can no longer be trusted.
     */
    public static void write(Response response, Callback callback, int status, String traceId, boolean close) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, ErrorBody.CONTENT_TYPE);
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE);
        }
        response.write(true, ByteBuffer.wrap(ErrorBody.json(status, traceId)), callback);
    }
}

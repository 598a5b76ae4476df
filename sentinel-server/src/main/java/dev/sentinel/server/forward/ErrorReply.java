package dev.sentinel.server.forward;

import dev.sentinel.server.agent.ResponseReplacement;
import dev.sentinel.server.error.ErrorBody;
import dev.sentinel.spi.Decision;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.jetty.ee10.servlet.ServletContextResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;

/**
 * What the client gets when its request could not be relayed: Sentinel's JSON error (502, 504, 413, …)
 * with its own stamp and the filters' response phase, an agent's replacement reply, or, once response bytes
 * went out, a cut connection.
 */
final class ErrorReply {
    private ErrorReply() {
    }

    static void write(HttpServletRequest clientRequest, HttpServletResponse proxyResponse, int status,
                      ForwardRequest forward) throws IOException {
        if (proxyResponse.isCommitted()) {
            // Bytes already reached the client: cut the connection so a truncated body never looks whole.
            proxyResponse.sendError(-1);
            return;
        }
        // An upstream response that failed after its head arrived (a bad chunk, say) already had its
        // headers copied: none of it may ride on the error, so start again from Sentinel's own stamp.
        proxyResponse.reset();
        ResponseStamp.stamp(ServletContextResponse.getServletContextResponse(proxyResponse).getHeaders(),
                forward.traceId(), forward.securityHeaders());
        Decision replacement = ResponseReplacement.of(clientRequest);
        if (replacement != null) {
            // The agent's reply replaces the upstream's, which went through the response phase already.
            ResponseReplacement.write(replacement, proxyResponse, forward.traceId());
            return;
        }
        proxyResponse.setStatus(status);
        proxyResponse.setContentType(ErrorBody.CONTENT_TYPE);
        proxyResponse.setHeader(HttpHeader.CONNECTION.asString(), HttpHeaderValue.CLOSE.asString());
        forward.responsePhase().apply(ServletContextResponse.getServletContextResponse(proxyResponse));
        byte[] body = ErrorBody.json(status, forward.traceId());
        proxyResponse.setContentLength(body.length);
        proxyResponse.getOutputStream().write(body);
    }
}

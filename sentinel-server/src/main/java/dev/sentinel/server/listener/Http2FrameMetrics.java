package dev.sentinel.server.listener;

import dev.sentinel.server.observability.ProxyMetrics;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http2.ErrorCode;
import org.eclipse.jetty.http2.HTTP2Session;
import org.eclipse.jetty.http2.api.Session;
import org.eclipse.jetty.http2.frames.Frame;
import org.eclipse.jetty.http2.frames.GoAwayFrame;
import org.eclipse.jetty.http2.frames.ResetFrame;

/**
 * Counts HTTP/2 refusals by watching the frames every session sends: a stream refused (REFUSED_STREAM) or
 * reset as malformed (PROTOCOL_ERROR) is a refused request, a GOAWAY with an error is a refused connection.
 * Two kinds are counted elsewhere, so that each refusal counts once: rate-limit cut-offs by
 * {@link Http2RateControl}, by the frame that tipped them; and the requests Jetty's HPACK decoder finds
 * malformed by the JSON error page that answers them 400 ({@code protocol_400}).
 */
final class Http2FrameMetrics implements HTTP2Session.FrameListener {
    /** Jetty's GOAWAY reasons for a header block it would not take: too large, or undecodable. */
    private static final Set<String> HEADER_BLOCK_REASONS = Set.of("invalid_headers_frame", "invalid_hpack_block",
            "invalid_continuation_stream");

    private final ProxyMetrics metrics;

    Http2FrameMetrics(ProxyMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void onOutgoingFrame(Session session, Frame frame) {
        if (frame instanceof ResetFrame reset) {
            if (reset.getError() == ErrorCode.REFUSED_STREAM_ERROR.code) {
                metrics.requestRefused("h2_refused_stream");
            } else if (reset.getError() == ErrorCode.PROTOCOL_ERROR.code) {
                metrics.requestRefused("h2_malformed");
            }
        } else if (frame instanceof GoAwayFrame goAway) {
            String reason = connectionReason(goAway);
            if (reason != null) {
                metrics.connectionRefused(reason);
            }
        }
    }

    /** The metric reason of a GOAWAY, or {@code null} when it is no refusal or was counted already. */
    static String connectionReason(GoAwayFrame goAway) {
        ErrorCode error = ErrorCode.from(goAway.getError());
        String debug = goAway.tryConvertPayload();
        if (error == ErrorCode.NO_ERROR) {
            return null;
        }
        // Jetty names every rate-control cut-off "invalid_<frame>_frame_rate".
        if (error == ErrorCode.ENHANCE_YOUR_CALM_ERROR && debug.endsWith("_rate")) {
            return null;
        }
        if (HEADER_BLOCK_REASONS.contains(debug)) {
            return "h2_header_block_rejected";
        }
        return error == null ? "h2_unknown_error" : "h2_" + error.name().toLowerCase(Locale.ROOT);
    }
}

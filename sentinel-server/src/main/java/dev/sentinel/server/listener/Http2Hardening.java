package dev.sentinel.server.listener;

import dev.sentinel.server.config.LimitsConfig;
import dev.sentinel.server.config.ListenerConfig;
import dev.sentinel.server.observability.ProxyMetrics;
import org.eclipse.jetty.http2.server.AbstractHTTP2ServerConnectionFactory;

/**
 * HTTP/2 protections applied to every h2 and h2c connection factory. What each bound does to a client, and
 * the metric it increments, is in docs/limits.md (HTTP/2 section).
 */
final class Http2Hardening {
    /**
     * Floor of the per-connection, per-second budget of frames that cost work without being a new request
     * (resets in either direction, CONTINUATION, PING, SETTINGS, PRIORITY, frames on closed streams, malformed
     * HEADERS): Jetty's own default, chosen after the rapid-reset attack (CVE-2023-44487).
     */
    private static final int MIN_CONTROL_FRAMES_PER_SECOND = 128;
    /** HPACK dynamic table the client may make the server keep per connection (the RFC 7541 default). */
    private static final int MAX_DECODER_TABLE_CAPACITY = 4096;
    /** HPACK dynamic table the server keeps for its own responses per connection. */
    private static final int MAX_ENCODER_TABLE_CAPACITY = 4096;
    /** Largest frame the server accepts: RFC 9113's initial value, also the smallest it allows. */
    private static final int MAX_FRAME_SIZE = 16 * 1024;
    /** Parameters a client may send in SETTINGS frames over a connection's life. */
    private static final int MAX_SETTINGS_KEYS = 64;
    /** Request body bytes a connection may have in flight towards the server, all streams together. */
    private static final int SESSION_RECV_WINDOW = 1024 * 1024;
    /** Request body bytes one stream may have in flight towards the server. */
    private static final int STREAM_RECV_WINDOW = 512 * 1024;

    private Http2Hardening() {
    }

    static void configure(AbstractHTTP2ServerConnectionFactory factory, ListenerConfig listener, LimitsConfig limits,
                          ProxyMetrics metrics) {
        factory.setMaxConcurrentStreams(listener.maxConcurrentStreams());
        // One value bounds the whole request header list in Jetty's HTTP/2 parser: the decoded HPACK size (name
        // + value + 32 per field, RFC 7541 §4.1), the bytes buffered across CONTINUATION frames, and the
        // SETTINGS_MAX_HEADER_LIST_SIZE the server advertises. Set here so the bound does not depend on the
        // HTTP/1 set-up sharing this configuration, which sets the same value.
        factory.getHttpConfiguration().setRequestHeaderSize(limits.maxHeaderSizeBytes());
        factory.setMaxDecoderTableCapacity(MAX_DECODER_TABLE_CAPACITY);
        factory.setMaxEncoderTableCapacity(MAX_ENCODER_TABLE_CAPACITY);
        factory.setMaxFrameSize(MAX_FRAME_SIZE);
        factory.setMaxSettingsKeys(MAX_SETTINGS_KEYS);
        factory.setInitialSessionRecvWindow(SESSION_RECV_WINDOW);
        factory.setInitialStreamRecvWindow(STREAM_RECV_WINDOW);
        // Extended CONNECT (RFC 8441, WebSocket over HTTP/2) is not proxied, so it is not advertised; Jetty then
        // resets such a stream with PROTOCOL_ERROR.
        factory.setConnectProtocolEnabled(false);
        factory.setRateControlFactory(new Http2RateControl.Factory(
                controlFramesPerSecond(listener.maxConcurrentStreams()), listener.requestTimeout(), metrics));
        factory.addEventListener(new Http2FrameMetrics(metrics));
        Http2MalformedRequests.install(factory.getHttpConfiguration());
    }

    /**
     * The frame budget of a listener: at least {@link #MIN_CONTROL_FRAMES_PER_SECOND}, and room for a client
     * that cancels every stream it may have open (a browser leaving a page) once a second, its RST_STREAM and
     * the server's own reset of each aborted exchange counted: 200 with the default 100 streams. An attacker
     * gets about half the budget in reset streams a second from each connection before being cut off.
     */
    private static int controlFramesPerSecond(int maxConcurrentStreams) {
        return (int) Math.max(MIN_CONTROL_FRAMES_PER_SECOND, Math.min(Integer.MAX_VALUE, 2L * maxConcurrentStreams));
    }
}

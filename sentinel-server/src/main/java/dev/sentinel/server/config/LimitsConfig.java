package dev.sentinel.server.config;

/**
 * Request and client bounds ({@code limits { }}). Every bound has a finite default; none means "unlimited".
 *
 * @param maxHeaderCount     header fields per request; more gives 431
 * @param maxHeaderSizeBytes the whole request header section; larger gives 431
 * @param maxBodySizeBytes   request body; larger gives 413, also mid-stream for chunked bodies
 * @param maxConnectionsPerClient open connections from one client IP address, across all listeners;
 *                           more are closed at accept
 * @param minRequestBodyRateBytesPerSec a request body arriving slower than this while Sentinel waits for it
 *                           (after a first second of waiting), or stopping, gets 408; an HTTP/1.1
 *                           connection is then closed, an HTTP/2 stream ends alone (Sentinel extension)
 */
public record LimitsConfig(int maxHeaderCount, int maxHeaderSizeBytes, long maxBodySizeBytes,
                           int maxConnectionsPerClient, int minRequestBodyRateBytesPerSec) {

    public static final int DEFAULT_MAX_HEADER_COUNT = 100;
    public static final int DEFAULT_MAX_HEADER_SIZE_BYTES = 8 * 1024;
    public static final long DEFAULT_MAX_BODY_SIZE_BYTES = 1024 * 1024;
    /** Zentinel's embedded default. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 100;
    /** Slow enough for any real client link, fast enough that a trickled body cannot hold a request for long. */
    public static final int DEFAULT_MIN_REQUEST_BODY_RATE_BYTES_PER_SEC = 1024;

    public static LimitsConfig defaults() {
        return new LimitsConfig(DEFAULT_MAX_HEADER_COUNT, DEFAULT_MAX_HEADER_SIZE_BYTES,
                DEFAULT_MAX_BODY_SIZE_BYTES, DEFAULT_MAX_CONNECTIONS_PER_CLIENT,
                DEFAULT_MIN_REQUEST_BODY_RATE_BYTES_PER_SEC);
    }
}

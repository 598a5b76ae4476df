package dev.sentinel.server.config;

/**
 * Request-size bounds ({@code limits { }}). Every bound has a finite default; none means "unlimited".
 *
 * @param maxHeaderCount     header fields per request; more gives 431
 * @param maxHeaderSizeBytes the whole request header section; larger gives 431
 * @param maxBodySizeBytes   request body; larger gives 413, also mid-stream for chunked bodies
 */
public record LimitsConfig(int maxHeaderCount, int maxHeaderSizeBytes, long maxBodySizeBytes) {

    public static final int DEFAULT_MAX_HEADER_COUNT = 100;
    public static final int DEFAULT_MAX_HEADER_SIZE_BYTES = 8 * 1024;
    public static final long DEFAULT_MAX_BODY_SIZE_BYTES = 1024 * 1024;

    public static LimitsConfig defaults() {
        return new LimitsConfig(DEFAULT_MAX_HEADER_COUNT, DEFAULT_MAX_HEADER_SIZE_BYTES,
                DEFAULT_MAX_BODY_SIZE_BYTES);
    }
}

package dev.sentinel.server.limits;

/**
 * Why a request is refused before it reaches an upstream. Every refusal closes the connection: the bytes
 * after the head can no longer be trusted to start the next request.
 *
 * @param reason the {@code sentinel_requests_refused_total} label
 * @param allow  the {@code Allow} header of a 405, else {@code null}
 */
public record Refusal(int status, String reason, String allow) {
}

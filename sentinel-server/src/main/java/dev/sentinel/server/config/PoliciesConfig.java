package dev.sentinel.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A route's {@code policies { }}.
 *
 * @param timeout          bounds the whole exchange with the upstream; {@code null} = the upstream's
 *                         own timeouts only
 * @param maxBodySizeBytes this route's request-body bound, or -1 to use {@code limits}
 */
public record PoliciesConfig(
        HeaderOps requestHeaders,
        HeaderOps responseHeaders,
        Duration timeout,
        long maxBodySizeBytes) {

    public static final long INHERIT = -1;

    public static PoliciesConfig defaults() {
        return new PoliciesConfig(HeaderOps.NONE, HeaderOps.NONE, null, INHERIT);
    }

    /**
     * Header edits, applied in the order rename, remove, set, add.
     *
     * @param set    replaces every value of the header
     * @param add    appends a value
     * @param remove header names to drop
     */
    public record HeaderOps(Map<String, String> rename, Map<String, String> set, Map<String, String> add,
                            List<String> remove) {
        public static final HeaderOps NONE = new HeaderOps(Map.of(), Map.of(), Map.of(), List.of());

        public HeaderOps {
            rename = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rename));
            set = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(set));
            add = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(add));
            remove = List.copyOf(remove);
        }

        /** Whether there is no edit at all: the request path then skips the header maps altogether. */
        public boolean isEmpty() {
            return rename.isEmpty() && set.isEmpty() && add.isEmpty() && remove.isEmpty();
        }
    }
}

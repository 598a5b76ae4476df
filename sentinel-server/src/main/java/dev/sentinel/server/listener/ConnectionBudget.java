package dev.sentinel.server.listener;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Open client connections of one server, in total ({@code system { max-connections }}) and per client
 * address ({@code limits { max-connections-per-client }}), shared by all its guarded listeners.
 *
 * <p>An address has an entry only while it has an admitted connection open, and the total is checked
 * first, so the map never holds more than {@code max-connections} entries whatever the clients do.
 */
final class ConnectionBudget {
    static final String MAX_CONNECTIONS = "max_connections";
    static final String MAX_CONNECTIONS_PER_CLIENT = "max_connections_per_client";

    private final int maxConnections;
    private final int maxPerClient;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perClient = new ConcurrentHashMap<>();

    ConnectionBudget(int maxConnections, int maxPerClient) {
        this.maxConnections = maxConnections;
        this.maxPerClient = maxPerClient;
    }

    /**
     * Takes one connection for {@code client} if both bounds allow it.
     *
     * @return {@code null} when admitted (exactly one {@link #release} must follow), else the refusal reason
     */
    String admit(InetAddress client) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            return MAX_CONNECTIONS;
        }
        boolean[] admitted = {false};
        perClient.compute(client, (address, count) -> {
            int current = count == null ? 0 : count;
            if (current >= maxPerClient) {
                return count;
            }
            admitted[0] = true;
            return current + 1;
        });
        if (!admitted[0]) {
            open.decrementAndGet();
            return MAX_CONNECTIONS_PER_CLIENT;
        }
        return null;
    }

    /** Gives back the connection an earlier {@link #admit} granted. */
    void release(InetAddress client) {
        perClient.computeIfPresent(client, (address, count) -> count <= 1 ? null : count - 1);
        open.decrementAndGet();
    }
}

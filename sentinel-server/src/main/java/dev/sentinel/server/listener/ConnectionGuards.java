package dev.sentinel.server.listener;

import dev.sentinel.server.config.LimitsConfig;
import dev.sentinel.server.config.ListenerConfig;
import dev.sentinel.server.config.SystemConfig;
import dev.sentinel.server.observability.ProxyMetrics;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Connection-level protections of a listener: what is checked at accept ({@link GuardedConnector}: IP
 * filter, connection budget) and while an HTTP/1 connection lives ({@link GuardedHttpConnection}: header
 * deadline, requests per connection, body rate).
 */
final class ConnectionGuards {
    /**
     * Connections the kernel may hold completed for the acceptor. Java's default of 50 overflows under a
     * burst of connects (a flood, or many clients at once), and every overflow costs a client a dropped SYN
     * and a retransmit one second later; nginx uses 511. The kernel caps it at {@code net.core.somaxconn}.
     */
    static final int ACCEPT_QUEUE_SIZE = 1024;

    private ConnectionGuards() {
    }

    static void install(ServerConnector connector, ListenerConfig listener, SystemConfig system, LimitsConfig limits,
                        ProxyMetrics metrics) {
        if (!(connector instanceof GuardedConnector guarded)) {
            throw new IllegalArgumentException("listener '" + listener.id() + "' needs a GuardedConnector");
        }
        guarded.guard(listener.ipFilter(), budget(connector.getServer(), system, limits), metrics);
        connector.setAcceptQueueSize(ACCEPT_QUEUE_SIZE);

        GuardedHttpConnection.Bounds bounds = new GuardedHttpConnection.Bounds(listener.requestTimeout(),
                listener.keepaliveMaxRequests(), metrics);
        List<ConnectionFactory> factories = new ArrayList<>(connector.getConnectionFactories());
        factories.replaceAll(factory -> factory instanceof HttpConnectionFactory http
                ? new GuardedHttpConnectionFactory(http, bounds) : factory);
        // Same protocols in the same order, so the default protocol and ALPN's choices do not change.
        connector.setConnectionFactories(factories);
    }

    /** One budget per server: max-connections and max-connections-per-client count across all listeners. */
    private static ConnectionBudget budget(Server server, SystemConfig system, LimitsConfig limits) {
        ConnectionBudget budget = server.getBean(ConnectionBudget.class);
        if (budget == null) {
            budget = new ConnectionBudget(system.maxConnections(), limits.maxConnectionsPerClient());
            server.addBean(budget);
        }
        return budget;
    }
}

package dev.sentinel.server.jmx;

import dev.sentinel.server.config.ListenerConfig;
import dev.sentinel.server.observability.ProxyMetrics;
import java.nio.channels.SelectableChannel;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The {@link ListenerMXBean} of one listener's connector. Counts sockets, not Jetty connections: a TLS
 * or h2c socket is several Jetty connections in turn (TLS, ALPN, HTTP/2), but one client connection.
 */
public final class ListenerView implements ListenerMXBean {
    private final ListenerConfig listener;
    private final ServerConnector connector;
    private final ProxyMetrics metrics;
    private final LongAdder accepted = new LongAdder();

    /** Must be built before the connector starts, so that it sees every accept. */
    public ListenerView(ListenerConfig listener, ServerConnector connector, ProxyMetrics metrics) {
        this.listener = listener;
        this.connector = connector;
        this.metrics = metrics;
        connector.getSelectorManager().addEventListener(new SelectorManager.AcceptListener() {
            @Override
            public void onAccepted(SelectableChannel channel) {
                accepted.increment();
            }
        });
    }

    @Override
    public String getAddress() {
        return listener.host() + ":" + listener.port();
    }

    @Override
    public String getProtocol() {
        return listener.protocol().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public long getConnectionsOpen() {
        return connector.getConnectedEndPoints().size();
    }

    @Override
    public long getConnectionsTotal() {
        return accepted.sum();
    }

    @Override
    public long getRequests() {
        return metrics.listenerRequests(listener.id());
    }
}

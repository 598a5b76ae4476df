package dev.sentinel.server.listener;

import dev.sentinel.server.config.ListenerConfig;
import dev.sentinel.server.observability.ProxyMetrics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SelectorManager;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.IO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ServerConnector} that decides right after the TCP accept whether the client may have a
 * connection at all: the listener's {@code ip-filter}, then the server-wide {@link ConnectionBudget}.
 * A refused socket is reset and counted in {@code sentinel_connections_refused_total}.
 *
 * <p>Why {@link #accept(int)} and not a later hook: Jetty's own {@code accept} hands the socket straight
 * to the {@link SelectorManager}, which builds the EndPoint and the first Connection (the SslConnection,
 * with its SSLEngine, on a TLS listener). A {@code Connection.Listener} or a connection factory therefore
 * runs after that state exists, and an {@code AcceptListener} is only told, it cannot refuse. Deciding in
 * {@code accept} refuses a socket before it is registered with a selector: no EndPoint, no SSLEngine, not
 * one byte read, so a denied client never gets a ServerHello. Jetty's {@code NetworkConnectionLimit} is
 * not used for {@code max-connections} because at the limit it stops accepting, leaving clients waiting
 * unseen in the kernel backlog; closing at once tells them, and counts it.
 */
final class GuardedConnector extends ServerConnector {
    static final String IP_DENIED = "ip_denied";
    private static final Logger LOG = LoggerFactory.getLogger(GuardedConnector.class);

    /** Admitted sockets still open, with the address their budget was taken for; bounded by max-connections. */
    private final Map<SelectableChannel, InetAddress> admitted = new ConcurrentHashMap<>();
    private ListenerConfig.IpFilter ipFilter;
    private ConnectionBudget budget;
    private ProxyMetrics metrics;

    GuardedConnector(Server server, int acceptors, int selectors, ConnectionFactory... factories) {
        super(server, acceptors, selectors, factories);
        getSelectorManager().addEventListener(new SelectorManager.AcceptListener() {
            @Override
            public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
                release(channel);
            }
        });
    }

    /** Sets what {@link #accept(int)} enforces; called once, before the connector starts. */
    void guard(ListenerConfig.IpFilter ipFilter, ConnectionBudget budget, ProxyMetrics metrics) {
        this.ipFilter = ipFilter;
        this.budget = budget;
        this.metrics = metrics;
    }

    @Override
    protected void doStart() throws Exception {
        if (budget == null) {
            throw new IllegalStateException("connector '" + getName() + "' started without its connection guards");
        }
        if (getAcceptors() < 1) {
            // With no acceptor thread Jetty accepts inside a selector and never calls accept(int).
            throw new IllegalStateException("connector '" + getName() + "' needs an acceptor thread for its guards");
        }
        super.doStart();
    }

    /** Jetty's accept (take the socket, configure it, hand it to a selector) with the admission check first. */
    @Override
    public void accept(int acceptorID) throws IOException {
        ServerSocketChannel serverChannel = (ServerSocketChannel) getTransport();
        if (serverChannel == null || !serverChannel.isOpen()) {
            return;
        }
        SocketChannel channel = serverChannel.accept();
        InetAddress client = clientAddress(channel);
        if (client == null) {
            IO.close(channel);
            return;
        }
        String refusal = ipFilter.admits(client) ? budget.admit(client) : IP_DENIED;
        if (refusal != null) {
            refuse(channel, client, refusal);
            return;
        }
        // Recorded before the selector sees the socket, so its close always finds the entry to release.
        admitted.put(channel, client);
        try {
            channel.configureBlocking(false);
            configure(channel.socket());
            getSelectorManager().accept(channel);
        } catch (IOException | RuntimeException e) {
            release(channel);
            IO.close(channel);
            throw e;
        }
    }

    @Override
    protected void onEndPointClosed(EndPoint endPoint) {
        super.onEndPointClosed(endPoint);
        if (endPoint.getTransport() instanceof SelectableChannel channel) {
            release(channel);
        }
    }

    /** Idempotent: the endpoint's close and a failed registration may both report one socket. */
    private void release(SelectableChannel channel) {
        InetAddress client = admitted.remove(channel);
        if (client != null) {
            budget.release(client);
        }
    }

    private void refuse(SocketChannel channel, InetAddress client, String reason) {
        metrics.connectionRefused(reason);
        LOG.debug("refused {} on {}: {}", client, getName(), reason);
        try {
            // A reset, not a FIN: the refused socket leaves no TIME_WAIT behind on Sentinel's side, which
            // matters when the refusals come from a flood.
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException e) {
            LOG.debug("SO_LINGER on a refused socket failed; closing it normally", e);
        }
        IO.close(channel);
    }

    private static InetAddress clientAddress(SocketChannel channel) {
        try {
            return channel.getRemoteAddress() instanceof InetSocketAddress remote ? remote.getAddress() : null;
        } catch (IOException e) {
            // The client reset the connection between its handshake and this accept.
            return null;
        }
    }
}

package dev.sentinel.server.upstream;

import dev.sentinel.server.observability.UpstreamMetrics;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.ClientConnector;

/**
 * Times each TCP connect of one upstream's client, from the connect call to the socket being connected
 * (a TLS handshake, when there is one, comes after and is not included), and counts the connections
 * opened. Holds an entry only while a connect is under way, so it is bounded by the client's pool size.
 */
final class ConnectTimer implements ClientConnector.ConnectListener {
    private final UpstreamMetrics metrics;
    private final Map<SocketChannel, Long> connecting = new ConcurrentHashMap<>();

    ConnectTimer(UpstreamMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void onConnectBegin(SocketChannel channel, SocketAddress address) {
        connecting.put(channel, System.nanoTime());
    }

    @Override
    public void onConnectSuccess(SocketChannel channel) {
        Long began = connecting.remove(channel);
        if (began != null) {
            metrics.connected(System.nanoTime() - began);
        }
    }

    @Override
    public void onConnectFailure(SocketChannel channel, SocketAddress address, Throwable failure) {
        connecting.remove(channel);
    }
}

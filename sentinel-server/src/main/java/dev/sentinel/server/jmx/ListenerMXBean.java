package dev.sentinel.server.jmx;

/** {@code sentinel:type=Listener,name=<id>}: one listener's sockets and requests since start. */
public interface ListenerMXBean {
    /** {@code host:port}. */
    String getAddress();

    /** {@code http}, {@code https} or {@code h2}. */
    String getProtocol();

    /** Client connections open now (sockets, whatever protocol they speak). */
    long getConnectionsOpen();

    /** Client connections accepted since start; refused ones are counted in {@code sentinel:type=Limits}. */
    long getConnectionsTotal();

    /** Requests received since start (HTTP/2 streams count one each). */
    long getRequests();
}

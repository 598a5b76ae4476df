package dev.sentinel.server.listener;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;

/** Makes {@link GuardedHttpConnection}s where Jetty's factory makes plain ones; otherwise the same. */
final class GuardedHttpConnectionFactory extends HttpConnectionFactory {
    private final GuardedHttpConnection.Bounds bounds;

    /** Takes over {@code original}'s configuration and settings. */
    GuardedHttpConnectionFactory(HttpConnectionFactory original, GuardedHttpConnection.Bounds bounds) {
        super(original.getHttpConfiguration());
        this.bounds = bounds;
        setInputBufferSize(original.getInputBufferSize());
        setUseInputDirectByteBuffers(original.isUseInputDirectByteBuffers());
        setUseOutputDirectByteBuffers(original.isUseOutputDirectByteBuffers());
        setTransferEncodingChunkMaxLength(original.getTransferEncodingChunkMaxLength());
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        GuardedHttpConnection connection = new GuardedHttpConnection(getHttpConfiguration(), connector, endPoint,
                bounds);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        return configure(connection, connector, endPoint);
    }
}

package dev.sentinel.server.upstream;

import dev.sentinel.spi.Target;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.ClientConnectionFactory;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Sentinel's HTTP/1.1 client for the targets of one upstream, on Jetty's io layer: pooled keep-alive
 * connections per target ({@link TargetConnections}), each carrying one exchange at a time
 * ({@link UpstreamConnection}). It does only what a proxy needs, which is why it is not jetty-client: no
 * conversation, cookies, redirects, decoding or listeners, and the response's bytes go straight to the
 * client's response.
 *
 * <p>Timeouts: the connector's connect timeout; one idle timeout per connection, for reads, writes and
 * time in the pool alike; and an optional deadline per call.
 */
public final class UpstreamClient extends ContainerLifeCycle {
    private final ClientConnector connector;
    private final int maxResponseHeadBytes;
    private final ClientConnectionFactory connections;
    private final Map<Target, TargetConnections> targets = new HashMap<>();

    UpstreamClient(Iterable<Target> targets, ClientConnector connector, int maxConnections, int maxQueued,
                   int maxResponseHeadBytes) {
        this.connector = connector;
        this.maxResponseHeadBytes = maxResponseHeadBytes;
        ClientConnectionFactory http = this::newConnection;
        this.connections = connector.getSslContextFactory() == null ? http
                : connector.newSslClientConnectionFactory(connector.getSslContextFactory(), http);
        for (Target target : targets) {
            this.targets.put(target, new TargetConnections(target, maxConnections, maxQueued, this::open));
        }
        addBean(connector);
    }

    public Scheduler scheduler() {
        return connector.getScheduler();
    }

    /**
     * Sends a request to {@code target}, one of the upstream's.
     *
     * @param headers the request's headers, as they go out ({@code Host} included)
     * @param body    the request body, or {@code null}; sent with the {@code Content-Length} in {@code headers},
     *                else chunked
     * @param timeout bounds the call, from now to the response's end, or {@code null}
     */
    public void send(Target target, String method, String pathQuery, HttpFields.Mutable headers,
                     Content.Source body, Duration timeout, UpstreamListener listener) {
        UpstreamExchange exchange = new UpstreamExchange(method, pathQuery, headers, body, listener);
        if (!isRunning()) {
            exchange.fail(new IOException("upstream client stopped"));
            return;
        }
        if (timeout != null) {
            exchange.deadline(connector.getScheduler().schedule(() -> exchange.abort(new TimeoutException(
                    "no complete response within " + timeout.toMillis() + " ms")), timeout.toNanos(),
                    TimeUnit.NANOSECONDS));
        }
        targets.get(target).send(exchange);
    }

    /** Opens a connection to the target; resolving its name may block, so it runs on a thread of its own. */
    private void open(TargetConnections target) {
        try {
            connector.getExecutor().execute(() -> connect(target));
        } catch (RejectedExecutionException stopping) {
            target.openFailed(stopping);
        }
    }

    /** The connection announces itself to the target when it opens; the promise only hears a failure. */
    private void connect(TargetConnections target) {
        Map<String, Object> context = new HashMap<>();
        context.put(ClientConnectionFactory.CONTEXT_KEY, connections);
        context.put(Transport.class.getName(), Transport.TCP_IP);
        context.put(TargetConnections.class.getName(), target);
        context.put(ClientConnector.CONNECTION_PROMISE_CONTEXT_KEY,
                Promise.from((Connection opened) -> { }, target::openFailed));
        connector.connect(target.resolve(), context);
    }

    private Connection newConnection(EndPoint endPoint, Map<String, Object> context) {
        TargetConnections target = (TargetConnections) context.get(TargetConnections.class.getName());
        return new UpstreamConnection(endPoint, connector.getExecutor(), target, connector.getByteBufferPool(),
                maxResponseHeadBytes);
    }

    @Override
    protected void doStop() throws Exception {
        IOException stopped = new IOException("upstream client stopped");
        targets.values().forEach(target -> target.close(stopped));
        super.doStop();
    }
}

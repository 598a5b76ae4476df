package dev.sentinel.server.log;

import dev.sentinel.server.config.ObservabilityConfig;
import dev.sentinel.server.observability.ProxyMetrics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.NanoTime;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log. {@link #log} runs on the request's thread when the response completes: it builds the
 * line and offers it to a bounded queue, and never waits; when the queue is full the line is dropped
 * and counted ({@code sentinel_access_log_dropped_total}). One writer thread drains the queue.
 * <pre>
 * {"timestamp":"2026-11-23T10:00:00.123Z","trace_id":"4bf9...","client_ip":"10.0.0.7","method":"GET",
 *  "path":"/api/users","query":"page=2","status":200,"duration_ms":3.1,"bytes_in":0,"bytes_out":512,
 *  "route":"api","upstream":"api-backend","upstream_addr":"10.0.1.5:8080","upstream_write_pending_ms":0.2}
 * </pre>
 */
public final class AccessLog extends AbstractLifeCycle implements RequestLog {
    private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
    private static final String POISON = "";

    private final ObservabilityConfig.AccessLog config;
    private final ProxyMetrics metrics;
    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(ObservabilityConfig.AccessLog.QUEUE_CAPACITY);
    private Thread writerThread;

    public AccessLog(ObservabilityConfig.AccessLog config, ProxyMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public void log(Request request, Response response) {
        RequestFacts facts = (RequestFacts) request.getAttribute(RequestFacts.ATTRIBUTE);
        JsonLine line = new JsonLine().field("timestamp", Instant.now().toString());
        if (config.includeTraceId() && facts != null) {
            line.field("trace_id", facts.traceId());
        }
        line.field("client_ip", Request.getRemoteAddr(request))
                .field("method", request.getMethod())
                .field("path", request.getHttpURI().getPath())
                .field("query", request.getHttpURI().getQuery())
                .field("status", response.getStatus())
                .field("duration_ms", NanoTime.since(request.getBeginNanoTime()) / 1_000_000.0)
                .field("bytes_in", Request.getContentBytesRead(request))
                .field("bytes_out", Response.getContentBytesWritten(response));
        if (facts != null) {
            line.field("route", facts.routeId())
                    .field("upstream", facts.upstream())
                    .field("upstream_addr", facts.upstreamAddress());
            if (facts.upstreamWritePendingNanos() >= 0) {
                line.field("upstream_write_pending_ms", facts.upstreamWritePendingNanos() / 1_000_000.0);
            }
        }
        if (!lines.offer(line.end())) {
            metrics.accessLogDropped();
        }
    }

    @Override
    protected void doStart() throws Exception {
        java.io.Writer writer = open();
        writerThread = Thread.ofPlatform().name("sentinel-access-log").daemon().start(() -> drain(writer));
    }

    @Override
    protected void doStop() throws Exception {
        lines.put(POISON);
        writerThread.join(TimeUnit.SECONDS.toMillis(10));
    }

    private java.io.Writer open() throws IOException {
        if (config.file() == null) {
            return new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), config.bufferBytes());
        }
        if (config.file().getParent() != null) {
            Files.createDirectories(config.file().getParent());
        }
        return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(config.file(), StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), StandardCharsets.UTF_8), config.bufferBytes());
    }

    /** Writes lines as they come; flushes whenever the queue runs empty, so a quiet log is never stale. */
    private void drain(java.io.Writer writer) {
        try (writer) {
            while (true) {
                String line = lines.take();
                if (line == POISON) {
                    return;
                }
                writer.write(line);
                writer.write('\n');
                if (lines.isEmpty()) {
                    writer.flush();
                }
            }
        } catch (IOException e) {
            // Lines now pile up in the queue and are dropped and counted once it is full.
            LOG.error("access log writer failed; further lines are dropped", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

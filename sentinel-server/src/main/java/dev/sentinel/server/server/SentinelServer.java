package dev.sentinel.server.server;

import dev.sentinel.server.config.ListenerConfig;
import dev.sentinel.server.config.ObservabilityConfig.MetricsEndpoint;
import dev.sentinel.server.config.SentinelConfig;
import dev.sentinel.server.config.kdl.ConfigError;
import dev.sentinel.server.config.kdl.ConfigException;
import dev.sentinel.server.config.kdl.ConfigLoader;
import dev.sentinel.server.forward.ForwardingEngine;
import dev.sentinel.server.health.HealthListener;
import dev.sentinel.server.health.HealthRegistry;
import dev.sentinel.server.jmx.HealthMBeans;
import dev.sentinel.server.jmx.JmxExport;
import dev.sentinel.server.jmx.LimitsView;
import dev.sentinel.server.jmx.ListenerView;
import dev.sentinel.server.jmx.PluginsView;
import dev.sentinel.server.jmx.ServerControl;
import dev.sentinel.server.jmx.ServerMXBean;
import dev.sentinel.server.listener.Listeners;
import dev.sentinel.server.log.AccessLog;
import dev.sentinel.server.observability.HealthMetrics;
import dev.sentinel.server.observability.ProxyMetrics;
import dev.sentinel.server.plugin.PluginRegistry;
import dev.sentinel.server.reload.ConfigWatcher;
import dev.sentinel.server.upstream.UpstreamClients;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import javax.management.JMException;
import javax.management.ObjectName;
import org.eclipse.jetty.jmx.MBeanContainer;
import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.VirtualThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composes Sentinel: the Jetty server on virtual threads, one connector per listener, the handler tree
 * ({@link RequestHandler} in front of the forwarding servlet), and the current {@link RuntimeSnapshot}.
 * Reloads validate the file first, then swap the snapshot; requests in flight finish on the old one.
 */
public final class SentinelServer extends ContainerLifeCycle {
    private static final Logger LOG = LoggerFactory.getLogger(SentinelServer.class);

    private final Path configFile;
    private final SentinelConfig initialConfig;
    private final PluginRegistry plugins;
    private final AtomicReference<RuntimeSnapshot> current = new AtomicReference<>();
    private final ProxyMetrics metrics = new ProxyMetrics();
    private final ReentrantLock reloadLock = new ReentrantLock();
    /** Configurations a reload replaced, still serving their requests in flight. */
    private final Set<RuntimeSnapshot> retiring = ConcurrentHashMap.newKeySet();
    /** Set by the JMX {@code drain()}: health answers 503 and HTTP/1 responses close their connection. */
    private final AtomicBoolean draining = new AtomicBoolean();
    private final List<ListenerView> listenerViews = new ArrayList<>();
    /** Set under the reload lock when stopping begins; from then on reloads are refused. */
    private boolean stopping;
    /** Whether a reload refused while stopping was logged (under the reload lock): the first says enough. */
    private boolean refusalLogged;
    private Server server;
    private UpstreamClients clients;
    private Instant startedAt;
    private JmxExport jmx;
    private GracefulHandler graceful;
    /** Health, ejection and breaker state; outlives snapshots so reloads keep what was learnt. */
    private HealthRegistry health;
    private HealthMBeans healthMBeans;

    /**
     * @param configFile where reloads read from; {@code null} when running the embedded default
     * @param plugins    the plugin types reloaded configurations may name (the same for the whole process)
     */
    public SentinelServer(SentinelConfig config, Path configFile, PluginRegistry plugins) {
        this.initialConfig = config;
        this.configFile = configFile;
        this.plugins = plugins;
    }

    @Override
    protected void doStart() throws Exception {
        // Unnamed: naming each virtual thread (one per task) builds a string per task.
        VirtualThreadPool threads = new VirtualThreadPool();
        server = new Server(threads);
        // Started first, and stopped last by doStop: every component built on them then leaves them alone.
        // Otherwise the first configuration's upstream clients, built before the server starts, would start
        // them as their own and stop them, under the running server, when a reload retires that configuration.
        LifeCycle.start(threads);
        LifeCycle.start(server.getScheduler());
        startedAt = Instant.now();
        // Jetty's own components (connectors, thread pool, ...) as MBeans beside Sentinel's.
        server.addBean(new MBeanContainer(ManagementFactory.getPlatformMBeanServer()));
        int selectors = selectors(initialConfig.system().workerThreads());
        for (ListenerConfig listener : initialConfig.listeners()) {
            ServerConnector connector = Listeners.newConnector(server, listener, initialConfig.system(),
                    initialConfig.limits(), metrics, selectors);
            listenerViews.add(new ListenerView(listener, connector, metrics));
            server.addConnector(connector);
        }
        clients = new UpstreamClients(threads, server.getScheduler(), server.getByteBufferPool(), metrics);
        Builtins builtins = new Builtins(metrics, startedAt, draining);
        Handler requestPath = new RequestHandler(current, builtins, metrics, draining, new ForwardingEngine(metrics),
                initialConfig.observability().accessLog() != null);
        MetricsEndpoint endpoint = initialConfig.observability().metrics();
        if (endpoint != null) {
            server.addConnector(Listeners.newPlainConnector(server,
                    MetricsListener.CONNECTOR_NAME, endpoint.host(), endpoint.port(),
                    initialConfig.limits()));
            requestPath = new Handler.Sequence(
                    new MetricsListener(endpoint.path(), builtins), requestPath);
        }
        graceful = new GracefulHandler(requestPath);
        server.setHandler(graceful);
        if (initialConfig.observability().accessLog() != null) {
            server.setRequestLog(new AccessLog(initialConfig.observability().accessLog(), metrics));
        }
        server.setErrorHandler(new JsonErrorHandler(() -> {
            RuntimeSnapshot snapshot = current.get();
            return snapshot == null || snapshot.config().system().securityHeaders();
        }, metrics));
        server.setStopTimeout(initialConfig.system().gracefulShutdown().toMillis());

        healthMBeans = new HealthMBeans();
        HealthMetrics healthMetrics = new HealthMetrics(metrics.registry(), () -> health);
        health = new HealthRegistry(HealthListener.all(healthMetrics, healthMBeans));
        RuntimeSnapshot snapshot = new RuntimeSnapshot(initialConfig, clients, health, metrics);
        snapshot.start();
        health.configure(initialConfig);
        current.set(snapshot);
        addBean(server);
        if (initialConfig.system().autoReload()) {
            if (configFile == null) {
                LOG.warn("auto-reload needs a config file (-c FILE); the embedded default is not watched");
            } else {
                addBean(new ConfigWatcher(configFile, this::runningSha256, this::reload));
            }
        }
        super.doStart();
        // Under the reload lock: an auto-reload may already be running, and must see the beans (or not) whole.
        reloadLock.lock();
        try {
            jmx = exportMBeans(current.get().config());
        } finally {
            reloadLock.unlock();
        }
        for (String line : plugins.summary()) {
            LOG.info("plugins: {}", line);
        }
        LOG.info("Sentinel {} started: {} listener(s), {} route(s), {} upstream(s) from {}", Version.CURRENT,
                initialConfig.listeners().size(), initialConfig.routes().size(), initialConfig.upstreams().size(),
                initialConfig.source());
    }

    @Override
    protected void doStop() throws Exception {
        // The config watcher and the JMX reload() stay live while requests drain: a reload then would
        // register MBeans after jmx.close() and retire its predecessor on a scheduler that is stopping.
        reloadLock.lock();
        try {
            stopping = true;
        } finally {
            reloadLock.unlock();
        }
        if (jmx != null) {
            jmx.close();
        }
        if (healthMBeans != null) {
            healthMBeans.close();
        }
        drain();
        super.doStop();
        RuntimeSnapshot snapshot = current.getAndSet(null);
        if (snapshot != null) {
            snapshot.stop();
        }
        // The requests of replaced configurations drained with the rest: their grace need not run out.
        for (RuntimeSnapshot replaced : List.copyOf(retiring)) {
            retire(replaced);
        }
        LifeCycle.stop(server.getScheduler());
        LifeCycle.stop(server.getThreadPool());
    }

    /**
     * Stops accepting connections, answers new requests on open connections with 503, and waits up to
     * {@code graceful-shutdown-timeout-secs} for requests in flight. Done before Jetty's own stop, whose
     * HTTP/2 shutdown would otherwise close connections with streams still in flight.
     */
    private void drain() throws InterruptedException {
        for (Connector connector : server.getConnectors()) {
            if (connector instanceof AbstractNetworkConnector network) {
                network.setAccepting(false);
            }
        }
        long timeoutMillis = current.get() == null ? 0 : current.get().config().system().gracefulShutdown().toMillis();
        try {
            graceful.shutdown().get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("{} request(s) still in flight after {} ms; stopping anyway", graceful.getCurrentRequestCount(),
                    timeoutMillis);
        } catch (ExecutionException e) {
            LOG.warn("draining requests failed; stopping anyway", e);
        }
    }

    /**
     * Re-reads the config file; on success swaps routes, upstreams and limits atomically, on failure
     * logs every error and keeps serving the running config.
     *
     * @return true when the new config is in force; false as well once Sentinel is stopping
     */
    public boolean reload() {
        reloadLock.lock();
        try {
            if (stopping) {
                if (!refusalLogged) {
                    refusalLogged = true;
                    LOG.info("reload refused: Sentinel is stopping");
                }
                return false;
            }
            SentinelConfig next = configFile == null ? ConfigLoader.loadEmbeddedDefault()
                    : ConfigLoader.load(configFile, plugins);
            RuntimeSnapshot snapshot;
            try {
                snapshot = new RuntimeSnapshot(next, clients, health, metrics);
                snapshot.start();
            } catch (Exception e) {
                health.retainOnly(current.get().config());
                throw e;
            }
            // Only now: shared with the running configuration, the health settings must not change if the
            // snapshot fails to build or start.
            health.configure(next);
            RuntimeSnapshot previous = current.getAndSet(snapshot);
            health.retainOnly(next);
            warnAboutRestartOnlyChanges(previous.config(), next);
            retireLater(previous, next.system().gracefulShutdown().toMillis());
            LOG.info("configuration reloaded from {}", next.source());
            metrics.configReloaded(true);
            exportRoutes(next);
            return true;
        } catch (ConfigException e) {
            LOG.error("reload refused, keeping the running configuration:");
            for (ConfigError error : e.errors()) {
                LOG.error("  {}", error);
            }
            metrics.configReloaded(false);
            return false;
        } catch (Exception e) {
            LOG.error("reload failed, keeping the running configuration", e);
            metrics.configReloaded(false);
            return false;
        } finally {
            reloadLock.unlock();
        }
    }

    /** The hash of the configuration in force, {@code null} once stopped. */
    private String runningSha256() {
        RuntimeSnapshot snapshot = current.get();
        return snapshot == null ? null : snapshot.config().sha256();
    }

    private JmxExport exportMBeans(SentinelConfig config) throws JMException {
        JmxExport export = new JmxExport();
        export.register(new ObjectName(ServerMXBean.OBJECT_NAME), new ServerControl(this::state, this::reload,
                draining));
        export.register(new ObjectName("sentinel:type=Limits"), new LimitsView(metrics));
        export.register(new ObjectName("sentinel:type=Plugins"), new PluginsView(plugins));
        for (int i = 0; i < listenerViews.size(); i++) {
            export.register(JmxExport.name("Listener", config.listeners().get(i).id()), listenerViews.get(i));
        }
        export.routes(config.routes().stream().map(r -> r.id()).toList(), metrics);
        return export;
    }

    /** Brings the Route MBeans in step with a configuration that just came into force. */
    private void exportRoutes(SentinelConfig config) {
        if (jmx == null) {
            return; // still starting: the export that follows reads the configuration in force
        }
        try {
            jmx.routes(config.routes().stream().map(r -> r.id()).toList(), metrics);
        } catch (JMException e) {
            LOG.warn("updating the route MBeans failed", e);
        }
    }

    private ServerControl.State state() {
        RuntimeSnapshot snapshot = current.get();
        SentinelConfig config = snapshot == null ? initialConfig : snapshot.config();
        List<String> listeners = config.listeners().stream()
                .map(l -> l.id() + "=" + l.host() + ":" + l.port()).toList();
        return new ServerControl.State(Version.CURRENT, Duration.between(startedAt, Instant.now()).toSeconds(),
                config.source(), config.sha256(), listeners, config.routes().size(), config.upstreams().size(),
                metrics.configReloads(true), metrics.configReloads(false), graceful.getCurrentRequestCount());
    }

    /** Stops a replaced configuration once its requests had their grace; sooner if the server stops first. */
    private void retireLater(RuntimeSnapshot previous, long graceMillis) {
        retiring.add(previous);
        server.getScheduler().schedule(() -> retire(previous), graceMillis, TimeUnit.MILLISECONDS);
    }

    private void retire(RuntimeSnapshot snapshot) {
        if (!retiring.remove(snapshot)) {
            return; // retired already: by the server's stop, or by its grace running out
        }
        try {
            snapshot.stop();
        } catch (Exception e) {
            LOG.warn("stopping the previous configuration's upstream clients failed", e);
        }
    }

    private static void warnAboutRestartOnlyChanges(SentinelConfig running, SentinelConfig next) {
        if (!Objects.equals(running.listeners(), next.listeners())) {
            LOG.warn("listener changes take effect only after a restart");
        }
        if (!Objects.equals(running.system(), next.system())) {
            LOG.warn("system changes take effect only after a restart");
        }
        if (!Objects.equals(running.observability(), next.observability())) {
            LOG.warn("observability changes take effect only after a restart");
        }
        if (running.limits().maxHeaderSizeBytes() != next.limits().maxHeaderSizeBytes()
                || running.limits().maxConnectionsPerClient() != next.limits().maxConnectionsPerClient()) {
            LOG.warn("max-header-size-bytes and max-connections-per-client take effect only after a restart");
        }
    }

    /** Selector threads per connector: request work runs on virtual threads, so few are needed. */
    private static int selectors(int workerThreads) {
        return workerThreads > 0 ? workerThreads : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    }
}

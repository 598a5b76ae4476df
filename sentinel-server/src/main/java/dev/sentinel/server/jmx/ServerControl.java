package dev.sentinel.server.jmx;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The {@link ServerMXBean} of a running server: reads from suppliers, so it always reports the
 * configuration in force after reloads, and owns nothing but a view of the drain flag.
 */
public final class ServerControl implements ServerMXBean {
    /** A snapshot of what the server reports; taken again on every read. */
    public record State(String version, long uptimeSeconds, String configSource, String configSha256,
                        List<String> listeners, int routes, int upstreams, long reloadsSucceeded,
                        long reloadsFailed, long activeRequests) {
    }

    private final Supplier<State> state;
    private final BooleanSupplier reload;
    private final AtomicBoolean draining;

    /** @param draining the flag the request path reads; drain and resume set it */
    public ServerControl(Supplier<State> state, BooleanSupplier reload, AtomicBoolean draining) {
        this.state = state;
        this.reload = reload;
        this.draining = draining;
    }

    @Override
    public String getVersion() {
        return state.get().version();
    }

    @Override
    public long getUptimeSeconds() {
        return state.get().uptimeSeconds();
    }

    @Override
    public String getConfigSource() {
        return state.get().configSource();
    }

    @Override
    public String getConfigSha256() {
        return state.get().configSha256();
    }

    @Override
    public List<String> getListeners() {
        return state.get().listeners();
    }

    @Override
    public int getRouteCount() {
        return state.get().routes();
    }

    @Override
    public int getUpstreamCount() {
        return state.get().upstreams();
    }

    @Override
    public long getReloadsSucceeded() {
        return state.get().reloadsSucceeded();
    }

    @Override
    public long getReloadsFailed() {
        return state.get().reloadsFailed();
    }

    @Override
    public long getActiveRequests() {
        return state.get().activeRequests();
    }

    @Override
    public boolean isDraining() {
        return draining.get();
    }

    @Override
    public boolean reload() {
        return reload.getAsBoolean();
    }

    @Override
    public void drain() {
        draining.set(true);
    }

    @Override
    public void resume() {
        draining.set(false);
    }
}

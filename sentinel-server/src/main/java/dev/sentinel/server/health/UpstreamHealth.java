package dev.sentinel.server.health;

import dev.sentinel.server.config.OutlierDetectionConfig;
import dev.sentinel.server.config.UpstreamConfig;
import dev.sentinel.spi.Target;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The health of one upstream's targets, by address; outlives reloads (see {@link HealthRegistry}). Its
 * generation counts changes, so pools rebuild their list of selectable targets only when something
 * changed.
 */
public final class UpstreamHealth {
    private final String id;
    private final HealthListener listener;
    private final Map<String, TargetHealth> targets = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private volatile UpstreamConfig config;

    /** @param config the configuration it is created for, until {@link #configure} adopts one */
    UpstreamHealth(String id, UpstreamConfig config, HealthListener listener) {
        this.id = id;
        this.config = config;
        this.listener = listener;
    }

    public String id() {
        return id;
    }

    /** The configuration in force for this upstream. */
    public UpstreamConfig config() {
        return config;
    }

    /** The state of each target of {@code next}, in its order, created for new targets; settings untouched. */
    List<TargetHealth> states(UpstreamConfig next) {
        List<TargetHealth> states = new ArrayList<>(next.targets().size());
        for (Target target : next.targets()) {
            TargetHealth state = targets.get(target.address());
            if (state == null) {
                state = new TargetHealth(this, target.address(), listener);
                targets.put(target.address(), state);
                listener.targetAdded(state);
            }
            states.add(state);
        }
        return states;
    }

    /** Adopts the configuration coming into force: applies its thresholds and breakers to its targets. */
    void configure(UpstreamConfig next) {
        config = next;
        for (TargetHealth state : states(next)) {
            state.configure(next.circuitBreaker(), next.healthCheck() != null);
        }
        changed();
    }

    /** Drops the state of targets other than {@code inForce} (the targets the configuration in force lists). */
    void retainOnly(List<Target> inForce) {
        Set<String> keep = new HashSet<>();
        for (Target target : inForce) {
            keep.add(target.address());
        }
        targets.values().removeIf(state -> {
            if (keep.contains(state.address())) {
                return false;
            }
            listener.targetRemoved(state);
            return true;
        });
    }

    /** Every target's state, for the admin view and JMX. */
    public Collection<TargetHealth> targets() {
        return targets.values();
    }

    public TargetHealth target(String address) {
        return targets.get(address);
    }

    OutlierDetectionConfig outlierDetection() {
        UpstreamConfig current = config;
        return current == null ? OutlierDetectionConfig.defaults() : current.outlierDetection();
    }

    /** Whether a target other than {@code self} takes traffic now (the last one is never ejected). */
    boolean othersAvailable(TargetHealth self, long nowNanos) {
        for (TargetHealth other : targets.values()) {
            if (other != self && other.available(nowNanos)) {
                return true;
            }
        }
        return false;
    }

    long generation() {
        return generation.get();
    }

    void changed() {
        generation.incrementAndGet();
    }
}

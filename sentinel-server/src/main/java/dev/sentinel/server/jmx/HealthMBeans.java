package dev.sentinel.server.jmx;

import dev.sentinel.server.health.HealthListener;
import dev.sentinel.server.health.TargetHealth;
import dev.sentinel.server.health.UpstreamHealth;
import dev.sentinel.spi.Target;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an MXBean registered for each upstream and each target while the health registry knows it: added
 * when a configuration first names it, removed when the configuration in force drops it, and all removed by
 * {@link #close()}.
 */
public final class HealthMBeans implements HealthListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMBeans.class);
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._-]+");

    private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();

    public static ObjectName upstreamName(String upstreamId) throws JMException {
        return new ObjectName("sentinel:type=Upstream,name=" + value(upstreamId));
    }

    public static ObjectName targetName(String upstreamId, String address) throws JMException {
        return new ObjectName("sentinel:type=Target,upstream=" + value(upstreamId) + ",name=" + value(address));
    }

    @Override
    public void upstreamAdded(UpstreamHealth upstream) {
        register(() -> upstreamName(upstream.id()), new UpstreamView(upstream));
    }

    @Override
    public void upstreamRemoved(UpstreamHealth upstream) {
        unregister(() -> upstreamName(upstream.id()));
    }

    @Override
    public void targetAdded(TargetHealth target) {
        register(() -> targetName(target.upstreamId(), target.address()), new TargetView(target));
    }

    @Override
    public void targetRemoved(TargetHealth target) {
        unregister(() -> targetName(target.upstreamId(), target.address()));
    }

    @Override
    public void close() {
        try {
            for (ObjectName name : mbeans.queryNames(new ObjectName("sentinel:type=Upstream,*"), null)) {
                mbeans.unregisterMBean(name);
            }
            for (ObjectName name : mbeans.queryNames(new ObjectName("sentinel:type=Target,*"), null)) {
                mbeans.unregisterMBean(name);
            }
        } catch (JMException e) {
            LOG.warn("unregistering upstream MBeans failed", e);
        }
    }

    private interface Name {
        ObjectName get() throws JMException;
    }

    private void register(Name name, Object bean) {
        try {
            ObjectName objectName = name.get();
            if (mbeans.isRegistered(objectName)) {
                mbeans.unregisterMBean(objectName);
            }
            mbeans.registerMBean(bean, objectName);
        } catch (JMException e) {
            LOG.warn("registering an MBean failed", e);
        }
    }

    private void unregister(Name name) {
        try {
            ObjectName objectName = name.get();
            if (mbeans.isRegistered(objectName)) {
                mbeans.unregisterMBean(objectName);
            }
        } catch (JMException e) {
            LOG.warn("unregistering an MBean failed", e);
        }
    }

    /** A key property value: as is when plain, else quoted ({@code host:port} has a colon). */
    private static String value(String raw) {
        return PLAIN.matcher(raw).matches() ? raw : ObjectName.quote(raw);
    }

    private record UpstreamView(UpstreamHealth upstream) implements UpstreamMXBean {
        @Override
        public String getLoadBalancing() {
            return upstream.config().loadBalancing();
        }

        @Override
        public int getTargetCount() {
            return upstream.config().targets().size();
        }

        @Override
        public int getAvailableTargetCount() {
            long now = System.nanoTime();
            int available = 0;
            for (Target target : upstream.config().targets()) {
                TargetHealth health = upstream.target(target.address());
                if (health != null && health.available(now)) {
                    available++;
                }
            }
            return available;
        }

        @Override
        public int getInFlight() {
            int inFlight = 0;
            for (TargetHealth target : upstream.targets()) {
                inFlight += target.inFlight();
            }
            return inFlight;
        }

        @Override
        public List<String> getTargets() {
            long now = System.nanoTime();
            List<String> targets = new ArrayList<>();
            for (Target target : upstream.config().targets()) {
                TargetHealth health = upstream.target(target.address());
                boolean available = health != null && health.available(now);
                targets.add(target.address() + "=" + (available ? "available" : "unavailable"));
            }
            return targets;
        }
    }

    private record TargetView(TargetHealth target) implements TargetMXBean {
        @Override
        public boolean isAvailable() {
            return target.available(System.nanoTime());
        }

        @Override
        public boolean isHealthy() {
            return target.activeHealthy();
        }

        @Override
        public boolean isEjected() {
            return target.ejected();
        }

        @Override
        public boolean isDisabled() {
            return target.disabled();
        }

        @Override
        public String getBreakerState() {
            return target.breakerConfigured() ? target.breakerState().jsonName() : "none";
        }

        @Override
        public int getInFlight() {
            return target.inFlight();
        }

        @Override
        public long getRequests() {
            return target.requests();
        }

        @Override
        public long getFailures() {
            return target.failures();
        }

        @Override
        public double getAverageLatencyMillis() {
            return target.averageLatencyMillis();
        }

        @Override
        public String getLastCheckFailure() {
            return target.lastCheckFailure();
        }

        @Override
        public void disable() {
            target.disable();
        }

        @Override
        public void enable() {
            target.enable();
        }
    }
}

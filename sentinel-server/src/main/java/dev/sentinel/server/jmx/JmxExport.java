package dev.sentinel.server.jmx;

import dev.sentinel.server.observability.ProxyMetrics;
import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SequencedSet;
import java.util.Set;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Sentinel's MXBeans in the platform MBean server, where jconsole and remote JMX find them: registers
 * them, keeps the {@code type=Route} beans in step with the configuration in force, and unregisters
 * everything on {@link #close()}, newest first, so that the first bean registered (the server's) is the
 * last to go and its disappearance means the export is closed.
 */
public final class JmxExport implements AutoCloseable {
    private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9._-]+");

    private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
    /** In registration order; guarded by {@code this}. */
    private final SequencedSet<ObjectName> registered = new LinkedHashSet<>();
    /** Guarded by {@code this}. */
    private final Set<ObjectName> routes = new HashSet<>();

    /** Registers {@code mbean} under {@code name}, replacing one left by an earlier server in this JVM. */
    public synchronized void register(ObjectName name, Object mbean) throws JMException {
        if (mbeans.isRegistered(name)) {
            mbeans.unregisterMBean(name);
        }
        mbeans.registerMBean(mbean, name);
        registered.add(name);
    }

    /**
     * Makes the {@code sentinel:type=Route} beans match {@code routeIds}: registers the new ones and
     * unregisters those the configuration no longer has. Called after each configuration comes into force
     * (reloads are serialised, so calls never overlap).
     */
    public synchronized void routes(Collection<String> routeIds, ProxyMetrics metrics) throws JMException {
        Set<ObjectName> wanted = new HashSet<>();
        for (String id : routeIds) {
            ObjectName name = name("Route", id);
            wanted.add(name);
            if (!routes.contains(name)) {
                register(name, new RouteView(metrics.route(id)));
                routes.add(name);
            }
        }
        for (ObjectName name : Set.copyOf(routes)) {
            if (!wanted.contains(name)) {
                unregister(name);
                routes.remove(name);
            }
        }
    }

    /**
     * {@code sentinel:type=TYPE,name=ID}; an id with characters JMX gives meaning to ({@code ,=:"*?} and
     * others) is quoted, as {@link ObjectName#quote} does.
     */
    public static ObjectName name(String type, String id) throws MalformedObjectNameException {
        String value = PLAIN_ID.matcher(id).matches() ? id : ObjectName.quote(id);
        return new ObjectName("sentinel:type=" + type + ",name=" + value);
    }

    @Override
    public synchronized void close() throws JMException {
        for (ObjectName name : List.copyOf(registered.reversed())) {
            unregister(name);
        }
    }

    private synchronized void unregister(ObjectName name) throws JMException {
        registered.remove(name);
        if (mbeans.isRegistered(name)) {
            mbeans.unregisterMBean(name);
        }
    }
}

package dev.sentinel.server.jmx;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Registers Sentinel's MXBeans in the platform MBean server, where jconsole and remote JMX find them. */
public final class JmxExport implements AutoCloseable {
    private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
    private final ObjectName name;

    private JmxExport(ObjectName name) {
        this.name = name;
    }

    public static JmxExport register(ServerMXBean server) throws JMException {
        ObjectName name = new ObjectName(ServerMXBean.OBJECT_NAME);
        ManagementFactory.getPlatformMBeanServer().registerMBean(server, name);
        return new JmxExport(name);
    }

    @Override
    public void close() throws JMException {
        if (mbeans.isRegistered(name)) {
            mbeans.unregisterMBean(name);
        }
    }
}

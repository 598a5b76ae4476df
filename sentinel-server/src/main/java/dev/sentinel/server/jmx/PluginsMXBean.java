package dev.sentinel.server.jmx;

import java.util.List;

/** {@code sentinel:type=Plugins}: the plugin types this process offers, loaded once at start. */
public interface PluginsMXBean {
    /** One entry per type: {@code kind type (source)}, e.g. {@code load-balancer sticky (plugins/acme.jar)}. */
    List<String> getInstalled();

    /** Jars that were skipped, and why. */
    List<String> getProblems();
}

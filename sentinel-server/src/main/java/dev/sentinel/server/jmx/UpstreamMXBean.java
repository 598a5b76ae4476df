package dev.sentinel.server.jmx;

import java.util.List;

/** {@code sentinel:type=Upstream,name=<id>}: one upstream of the configuration in force. */
public interface UpstreamMXBean {
    String getLoadBalancing();

    int getTargetCount();

    /** Targets that take traffic now (healthy, not ejected, not disabled, breaker admitting). */
    int getAvailableTargetCount();

    /** Requests in flight to all its targets. */
    int getInFlight();

    /** Each target as {@code host:port=available|unavailable}. */
    List<String> getTargets();
}

package dev.sentinel.spi;

/**
 * One upstream server a {@link LoadBalancer} can pick: a value, equal to another target with the same
 * host, port and weight. An upstream never lists the same address twice, so balancers may key per-target
 * state by target.
 *
 * @param host   host name or IP literal (an IPv6 literal without brackets)
 * @param port   TCP port
 * @param weight relative share of traffic, at least 1
 */
public record Target(String host, int port, int weight) {
    public Target {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1: " + weight);
        }
    }

    /** {@code host:port}, as written in the config ({@code [::1]:8080} for IPv6). */
    public String address() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}

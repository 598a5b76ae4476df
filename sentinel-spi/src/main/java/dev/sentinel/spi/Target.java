package dev.sentinel.spi;

/**
 * One upstream server a {@link LoadBalancer} can pick.
 *
 * @param host   host name or IP literal
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

    /** {@code host:port}, as written in the config. */
    public String address() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}

package dev.sentinel.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One listening socket ({@code listeners { listener "id" { } }}).
 *
 * @param host               bind address ({@code 0.0.0.0} for all)
 * @param protocol           what the socket speaks
 * @param tls                certificate and key; required for {@code https}, optional for {@code h2}
 * @param requestTimeout     bound on receiving one request's line and headers, counted from its first byte
 * @param keepaliveTimeout   how long an idle connection stays open
 * @param keepaliveMaxRequests requests served on one HTTP/1 connection; the last response closes it
 * @param maxConcurrentStreams HTTP/2 streams per connection
 * @param defaultRoute       route id used when no route matches, or {@code null}
 * @param ipFilter           which client addresses may connect (Sentinel extension)
 */
public record ListenerConfig(
        String id,
        String host,
        int port,
        Protocol protocol,
        TlsConfig tls,
        Duration requestTimeout,
        Duration keepaliveTimeout,
        int keepaliveMaxRequests,
        int maxConcurrentStreams,
        String defaultRoute,
        IpFilter ipFilter) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_KEEPALIVE_TIMEOUT = Duration.ofSeconds(75);
    /** nginx's {@code keepalive_requests} default. */
    public static final int DEFAULT_KEEPALIVE_MAX_REQUESTS = 1000;
    public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 100;

    /** What a listener speaks on its socket. */
    public enum Protocol {
        /** HTTP/1.1, and HTTP/2 without TLS (h2c) for clients that start with its preface. */
        HTTP,
        /** TLS, then HTTP/2 or HTTP/1.1 chosen by ALPN. */
        HTTPS,
        /** HTTP/2 only: over TLS with ALPN when {@code tls} is set, else h2c. */
        H2
    }

    /** Server certificate chain and private key, PEM files. */
    public record TlsConfig(java.nio.file.Path certFile, java.nio.file.Path keyFile) {}

    /**
     * Client addresses admitted at TCP accept ({@code ip-filter { allow ...; deny ... }}). A denied
     * address always loses; a non-empty allow list admits only its members. Empty lists admit everyone.
     */
    public record IpFilter(List<Cidr> allow, List<Cidr> deny) {
        public static final IpFilter ALLOW_ALL = new IpFilter(List.of(), List.of());

        public IpFilter {
            allow = List.copyOf(allow);
            deny = List.copyOf(deny);
        }

        public boolean admits(InetAddress client) {
            for (Cidr cidr : deny) {
                if (cidr.contains(client)) {
                    return false;
                }
            }
            if (allow.isEmpty()) {
                return true;
            }
            for (Cidr cidr : allow) {
                if (cidr.contains(client)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** An IPv4 or IPv6 network: its address with every host bit zero, and the prefix length. */
    public record Cidr(InetAddress network, int prefixLength) {
        private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
        private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

        /**
         * Parses {@code "10.0.0.0/8"}, {@code "2001:db8::/32"}, or a bare address (a network of one).
         * Never resolves names: text that is not an address literal is refused.
         *
         * @throws IllegalArgumentException with the reason, for the config error
         */
        public static Cidr parse(String text) {
            int slash = text.indexOf('/');
            InetAddress address = literal(slash < 0 ? text : text.substring(0, slash));
            int bits = address.getAddress().length * 8;
            int prefix = slash < 0 ? bits : prefix(text.substring(slash + 1), bits);
            InetAddress network = masked(address, prefix);
            if (!network.equals(address)) {
                // Almost always a typo (10.0.0.1/8 for 10.0.0.0/8); refusing beats guessing which was meant.
                throw new IllegalArgumentException("'" + text + "' has host bits set; the network is "
                        + network.getHostAddress() + "/" + prefix);
            }
            return new Cidr(network, prefix);
        }

        public boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            byte[] net = network.getAddress();
            if (candidate.length != net.length) {
                return false;
            }
            int whole = prefixLength / 8;
            for (int i = 0; i < whole; i++) {
                if (candidate[i] != net[i]) {
                    return false;
                }
            }
            int rest = prefixLength % 8;
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return rest == 0 || (candidate[whole] & mask) == (net[whole] & mask);
        }

        @Override
        public String toString() {
            return network.getHostAddress() + "/" + prefixLength;
        }

        private static InetAddress literal(String text) {
            try {
                if (IPV4.matcher(text).matches()) {
                    String[] parts = text.split("\\.");
                    byte[] bytes = new byte[4];
                    for (int i = 0; i < 4; i++) {
                        int part = Integer.parseInt(parts[i]);
                        if (part > 255) {
                            throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
                        }
                        bytes[i] = (byte) part;
                    }
                    return InetAddress.getByAddress(bytes);
                }
                // Text with a colon is parsed as an IPv6 literal by the JDK, never looked up by name.
                if (IPV6.matcher(text).matches()) {
                    return InetAddress.getByName(text);
                }
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv6 address");
            }
            throw new IllegalArgumentException("'" + text + "' is not an IP address (write e.g. \"10.0.0.0/8\" or"
                    + " \"2001:db8::/32\")");
        }

        private static int prefix(String text, int bits) {
            if (!text.matches("\\d{1,3}") || Integer.parseInt(text) > bits) {
                throw new IllegalArgumentException("prefix length '" + text + "' must be 0 to " + bits
                        + (bits == 32 ? " for IPv4" : " for IPv6"));
            }
            return Integer.parseInt(text);
        }

        private static InetAddress masked(InetAddress address, int prefix) {
            byte[] bytes = address.getAddress();
            for (int i = 0; i < bytes.length; i++) {
                int keep = Math.clamp(prefix - i * 8L, 0, 8);
                bytes[i] &= (byte) ((0xFF << (8 - keep)) & 0xFF);
            }
            try {
                return InetAddress.getByAddress(bytes);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("a 4- or 16-byte address is always valid", e);
            }
        }
    }
}

package dev.sentinel.server.health;

import dev.sentinel.spi.Target;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Healthy when the target accepts a TCP connection within the timeout. */
final class TcpProbe implements Probe {
    private final int timeoutMillis;

    TcpProbe(Duration timeout) {
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    }

    @Override
    public String check(Target target) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target.host(), target.port()), timeoutMillis);
            return null;
        }
    }
}

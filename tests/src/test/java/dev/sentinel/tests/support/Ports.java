package dev.sentinel.tests.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free loopback ports for listeners and backends. They are taken below Linux's ephemeral range
 * (32768–60999): a port handed out here and bound a moment later by Sentinel cannot meanwhile have gone to
 * a backend bound to port 0, or to an outgoing connection, both of which the kernel takes from that range.
 */
public final class Ports {
    private static final int FIRST = 20_000;
    private static final int LAST = 32_767;
    /** Where this JVM's search goes on from; a random start keeps two test JVMs apart. */
    private static final AtomicInteger NEXT = new AtomicInteger(ThreadLocalRandom.current().nextInt(LAST - FIRST));

    private Ports() {
    }

    public static int free() {
        for (int tries = 0; tries <= LAST - FIRST; tries++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement(), LAST - FIRST + 1);
            if (bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + FIRST + "-" + LAST);
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}

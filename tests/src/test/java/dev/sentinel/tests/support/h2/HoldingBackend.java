package dev.sentinel.tests.support.h2;

import dev.sentinel.tests.support.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A backend that records every request path and answers 200, except that requests under {@code /hold/} or
 * {@code /slow/} wait for {@link #release()} after a {@link #hold()} (at most 20 s), so that a test can keep
 * streams open, or make an upstream slow.
 */
public final class HoldingBackend implements AutoCloseable {
    private static final long MAX_HOLD_SECONDS = 20;

    private final List<String> uris = new ArrayList<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final Backend backend;

    public HoldingBackend() throws Exception {
        backend = Backend.start((r, response, callback) -> {
            record(r.uri());
            if (r.uri().startsWith("/hold/") || r.uri().startsWith("/slow/")) {
                gate.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS);
            }
            Backend.text(response, callback, 200, "ok " + r.uri());
        });
    }

    /** From now on, held requests wait until {@link #release()}. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    public void release() {
        gate.countDown();
    }

    public String address() {
        return backend.address();
    }

    /** How many requests arrived with a path starting with {@code prefix}. */
    public synchronized long count(String prefix) {
        return uris.stream().filter(u -> u.startsWith(prefix)).count();
    }

    /** Waits until {@code n} requests under {@code prefix} have arrived. */
    public synchronized void await(String prefix, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count(prefix) < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the backend received " + count(prefix) + " requests under " + prefix
                        + ", expected " + n + ": " + uris);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    @Override
    public void close() throws Exception {
        release();
        backend.close();
    }

    private synchronized void record(String uri) {
        uris.add(uri);
        notifyAll();
    }
}

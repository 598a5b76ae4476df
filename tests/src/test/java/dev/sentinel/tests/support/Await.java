package dev.sentinel.tests.support;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polls a condition until it holds or a deadline passes, instead of sleeping a guessed time. */
public final class Await {
    private Await() {
    }

    /** Waits until {@code condition} returns true (exceptions count as false); fails with {@code what} after {@code timeout}. */
    public static void until(String what, Duration timeout, Callable<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not within " + timeout + ": " + what + (last == null ? "" : " (last: " + last + ")"));
    }
}

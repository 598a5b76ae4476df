package dev.sentinel.server.health;

import dev.sentinel.spi.Target;

/** One kind of active health check. Runs on the target's checker thread (a virtual thread) and may block. */
interface Probe {
    /**
     * Checks the target once.
     *
     * @return {@code null} when healthy, else a short reason for the admin view ("status 503")
     * @throws Exception the check could not be made (refused, timed out), which counts as unhealthy
     */
    String check(Target target) throws Exception;
}

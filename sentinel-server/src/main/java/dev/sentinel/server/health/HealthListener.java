package dev.sentinel.server.health;

/**
 * Told about targets and route breakers as they come, change and go: metrics and JMX hang off this.
 * Called outside any lock, on whatever thread made the change; implementations must be quick and must
 * not throw.
 */
public interface HealthListener {
    /** What changed about a target. */
    enum Change {
        HEALTHY, UNHEALTHY, EJECTED, RESTORED, BREAKER_OPEN, BREAKER_HALF_OPEN, BREAKER_CLOSED, DISABLED, ENABLED;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static Change of(CircuitBreaker.State state) {
            return switch (state) {
                case OPEN -> BREAKER_OPEN;
                case HALF_OPEN -> BREAKER_HALF_OPEN;
                case CLOSED -> BREAKER_CLOSED;
            };
        }
    }

    HealthListener NONE = new HealthListener() {
    };

    /** Tells each of {@code listeners}, in order. */
    static HealthListener all(HealthListener... listeners) {
        return new HealthListener() {
            @Override
            public void upstreamAdded(UpstreamHealth upstream) {
                for (HealthListener l : listeners) {
                    l.upstreamAdded(upstream);
                }
            }

            @Override
            public void upstreamRemoved(UpstreamHealth upstream) {
                for (HealthListener l : listeners) {
                    l.upstreamRemoved(upstream);
                }
            }

            @Override
            public void targetAdded(TargetHealth target) {
                for (HealthListener l : listeners) {
                    l.targetAdded(target);
                }
            }

            @Override
            public void targetRemoved(TargetHealth target) {
                for (HealthListener l : listeners) {
                    l.targetRemoved(target);
                }
            }

            @Override
            public void targetChanged(TargetHealth target, Change change) {
                for (HealthListener l : listeners) {
                    l.targetChanged(target, change);
                }
            }

            @Override
            public void routeBreakerChanged(String routeId, CircuitBreaker.State state) {
                for (HealthListener l : listeners) {
                    l.routeBreakerChanged(routeId, state);
                }
            }

            @Override
            public void routeRemoved(String routeId) {
                for (HealthListener l : listeners) {
                    l.routeRemoved(routeId);
                }
            }

            @Override
            public void retry(String routeId, boolean allowed) {
                for (HealthListener l : listeners) {
                    l.retry(routeId, allowed);
                }
            }
        };
    }

    default void upstreamAdded(UpstreamHealth upstream) {
    }

    default void upstreamRemoved(UpstreamHealth upstream) {
    }

    default void targetAdded(TargetHealth target) {
    }

    default void targetRemoved(TargetHealth target) {
    }

    default void targetChanged(TargetHealth target, Change change) {
    }

    default void routeBreakerChanged(String routeId, CircuitBreaker.State state) {
    }

    default void routeRemoved(String routeId) {
    }

    /** A route wanted to retry a request; {@code allowed} says whether the retry budget let it. */
    default void retry(String routeId, boolean allowed) {
    }
}

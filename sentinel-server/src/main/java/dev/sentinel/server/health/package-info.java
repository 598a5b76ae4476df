/**
 * Resilience: what Sentinel knows about each target (active health checks, passive ejection, per-target
 * circuit breakers, the operator's disable switch) and each route (breaker, retry budget), kept in a
 * process-wide {@link dev.sentinel.server.health.HealthRegistry} that outlives reloads. Pools ask their
 * {@link dev.sentinel.server.health.Availability} which targets take traffic; the forwarding engine reports
 * each exchange back through its lease. No Jetty types cross this package's surface except the clients the
 * probes use.
 */
package dev.sentinel.server.health;

/**
 * The load balancers Sentinel ships, each a {@link dev.sentinel.spi.LoadBalancerProvider} found by
 * {@link java.util.ServiceLoader} like any plugin, and written against the public SPI only. One file per
 * algorithm, its provider nested inside:
 *
 * <ul>
 *   <li>{@link dev.sentinel.balancers.RoundRobin} ({@code round_robin}),
 *       {@link dev.sentinel.balancers.Weighted} ({@code weighted}),
 *       {@link dev.sentinel.balancers.RandomChoice} ({@code random}): no feedback needed;</li>
 *   <li>{@link dev.sentinel.balancers.LeastConnections} ({@code least_connections},
 *       {@code weighted_least_connections}), {@link dev.sentinel.balancers.PowerOfTwoChoices} ({@code p2c}):
 *       requests in flight ({@link dev.sentinel.balancers.InFlight});</li>
 *   <li>{@link dev.sentinel.balancers.ConsistentHash} ({@code consistent_hash}, {@code ip_hash}) over a
 *       {@link dev.sentinel.balancers.KetamaRing}, {@link dev.sentinel.balancers.Maglev} over a
 *       {@link dev.sentinel.balancers.MaglevTable}: a key to a target, stable as targets change;</li>
 *   <li>{@link dev.sentinel.balancers.PeakEwma} ({@code peak_ewma}), {@link dev.sentinel.balancers.Adaptive}
 *       ({@code adaptive}): latency and errors, through {@link dev.sentinel.balancers.Ewma};</li>
 *   <li>{@link dev.sentinel.balancers.Sticky} ({@code sticky}): a signed cookie
 *       ({@link dev.sentinel.balancers.StickyCookie}) in front of a fallback balancer.</li>
 * </ul>
 *
 * <p>Names, aliases and settings: {@code docs/configuration.md}, "Load balancers".
 */
package dev.sentinel.balancers;

/**
 * The route filters Sentinel ships, each a {@link dev.sentinel.spi.FilterProvider} found by
 * {@link java.util.ServiceLoader} like any plugin, and written against the public SPI only. One file per
 * filter, its provider nested inside:
 *
 * <ul>
 *   <li>{@link dev.sentinel.filters.HeadersFilter} ({@code headers}): rename, set, add, remove;</li>
 *   <li>{@link dev.sentinel.filters.RateLimitFilter} ({@code rate-limit}): token buckets per key
 *       ({@link dev.sentinel.filters.TokenBuckets}, keyed by {@link dev.sentinel.filters.RateLimitKey});</li>
 *   <li>{@link dev.sentinel.filters.CorsFilter} ({@code cors}): preflights and response marks;</li>
 *   <li>{@link dev.sentinel.filters.RedirectFilter} ({@code redirect}) and
 *       {@link dev.sentinel.filters.UrlRewriteFilter} ({@code url-rewrite}), with a
 *       {@link dev.sentinel.filters.PathModifier}.</li>
 * </ul>
 *
 * <p>Keys, defaults and behaviour: {@code docs/filters.md}.
 */
package dev.sentinel.filters;

package dev.sentinel.spi;

/**
 * Makes a {@link Filter} for {@code filters { filter "NAME" { type "TYPE" … } }}.
 *
 * <p>{@link #create} is called once per filter definition and configuration: every route that names the
 * filter shares the one instance (and so, for example, a rate limit's buckets), and a reload starts again
 * with fresh instances. List the implementation in {@code META-INF/services/dev.sentinel.spi.FilterProvider}.
 */
public interface FilterProvider extends PluginProvider<Filter> {
}

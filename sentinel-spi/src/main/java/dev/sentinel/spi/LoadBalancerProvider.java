package dev.sentinel.spi;

/**
 * Makes the {@link LoadBalancer} of one upstream, for {@code load-balancing "TYPE" { … }}.
 *
 * <p>{@link #create} is called once per upstream and configuration: each upstream has a balancer of its
 * own, and a reload starts again with fresh ones (learned state is not carried over). List the
 * implementation in {@code META-INF/services/dev.sentinel.spi.LoadBalancerProvider}.
 */
public interface LoadBalancerProvider extends PluginProvider<LoadBalancer> {
}

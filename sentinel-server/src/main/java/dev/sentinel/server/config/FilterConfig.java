package dev.sentinel.server.config;

import dev.sentinel.spi.Filter;
import java.util.function.Supplier;

/**
 * One filter definition ({@code filters { filter "id" { type "TYPE" … } }}), checked and ready to make.
 *
 * @param type    the type as its provider names it ({@code rate_limit})
 * @param factory makes the live instance; each configuration that goes live makes one, shared by every
 *                route that names the filter
 */
public record FilterConfig(String id, String type, Supplier<Filter> factory) {
}

/** Prometheus metrics ({@code sentinel_*}) and request trace ids. */
package dev.sentinel.server.observability;

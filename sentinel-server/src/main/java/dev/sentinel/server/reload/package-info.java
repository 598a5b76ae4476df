/** Reload triggers beside SIGHUP and JMX: the config file watch of {@code system { auto-reload #true }}. */
package dev.sentinel.server.reload;

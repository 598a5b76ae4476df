/** Jetty connectors for each configured listener: HTTP/1.1 with h2c, HTTPS with ALPN, HTTP/2 only. */
package dev.sentinel.server.listener;

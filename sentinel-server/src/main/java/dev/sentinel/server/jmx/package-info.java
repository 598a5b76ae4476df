/**
 * Sentinel's management interface under the {@code sentinel} JMX domain, for jconsole and other JMX
 * consoles. Jetty's own components are exported beside it by jetty-jmx.
 */
package dev.sentinel.server.jmx;

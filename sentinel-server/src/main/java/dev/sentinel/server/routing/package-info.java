/**
 * The compiled route table: given a request's method, host, path, headers and query, finds the route
 * that serves it. Pure logic, no Jetty types, so it is tested without sockets.
 */
package dev.sentinel.server.routing;

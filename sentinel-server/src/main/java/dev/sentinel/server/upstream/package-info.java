/**
 * Upstream pools: their targets, the load balancer (a plugin, through the SPI) that picks one per request
 * and learns from each exchange's outcome, and the pooled HTTP client each pool forwards through.
 */
package dev.sentinel.server.upstream;

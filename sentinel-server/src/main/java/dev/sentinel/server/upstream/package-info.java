/**
 * Upstream pools: their targets, the load balancer that picks one per request, and the pooled HTTP
 * client each pool forwards through.
 */
package dev.sentinel.server.upstream;

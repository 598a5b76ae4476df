/**
 * In-process inspection agents: the server's side of the {@link dev.sentinel.spi.Agent} contract. Each
 * call runs on a virtual thread of its own under a timeout the server enforces ({@link GuardedAgent});
 * a late call's decision and header changes are discarded; failures follow the agent's failure mode.
 * Filters of type {@code "agent"} ({@link AgentFilter}) put agents on routes.
 */
package dev.sentinel.server.agent;

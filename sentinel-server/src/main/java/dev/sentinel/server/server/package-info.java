/**
 * Composition and the life of a request. {@link dev.sentinel.server.server.SentinelServer} assembles
 * listeners, handler tree and runtime snapshot; {@link dev.sentinel.server.server.RequestHandler} reads
 * top to bottom as a request's life; {@link dev.sentinel.server.server.Main} is the CLI.
 */
package dev.sentinel.server.server;

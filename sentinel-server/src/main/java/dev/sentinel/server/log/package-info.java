/** The JSON access log: one object per line, built on the request thread, written by a single writer thread. */
package dev.sentinel.server.log;

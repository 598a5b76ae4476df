/**
 * The validated configuration as immutable records. Every default lives beside its option here; the
 * KDL binding ({@code config.kdl}) only reads text into these records.
 */
package dev.sentinel.server.config;

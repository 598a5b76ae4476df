/**
 * The contract between Sentinel and its plugins. It holds no Jetty type, so a plugin built against it
 * survives Jetty upgrades. Built-in implementations use the same contract.
 */
package dev.sentinel.spi;

/**
 * Plugin loading: {@link dev.sentinel.server.plugin.PluginRegistry} finds the built-in providers on the
 * class path and those of every jar in {@code plugins/}, each jar in a class loader of its own, and keeps
 * them by kind and name for the configuration binder.
 */
package dev.sentinel.server.plugin;

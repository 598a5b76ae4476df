package dev.sentinel.server.config.kdl;

import dev.sentinel.server.plugin.PluginRegistry;
import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.PluginConfig;
import dev.sentinel.spi.PluginProvider;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@link PluginConfig} of one plugin node ({@code load-balancing "sticky" { … }}, or
 * {@code filter "x" { type "cors" … }}): its children read as {@code key value} settings, each error thrown
 * as an SPI {@link ConfigException} at the value's file:line:col. Remembers which keys the plugin asked
 * for, so that {@link #unknownKeys()} can refuse the rest.
 */
final class KdlPluginConfig implements PluginConfig {
    /** Plugins that delegate to plugins ({@link #plugin}) may nest this deep, no deeper. */
    private static final int MAX_NESTING = 4;
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

    private final KdlNode node;
    private final String type;
    private final String label;
    private final PluginRegistry plugins;
    private final int depth;
    private final Set<String> accepted = new LinkedHashSet<>();
    private final Set<String> bindingKeys = new LinkedHashSet<>();

    /**
     * @param node  the plugin's node: its first argument is the type, its children the settings
     * @param label how messages name it: {@code load-balancing "sticky" in upstream "be"}
     */
    KdlPluginConfig(KdlNode node, String label, PluginRegistry plugins) {
        this(node, node.arguments().getFirst() instanceof KdlValue.Str s ? s.value() : "", label, plugins, 0);
    }

    /**
     * A plugin whose type is one of its own children ({@code filter "x" { type "cors" … }}): that child,
     * and the other {@code bindingKeys} the server reads itself, are not the plugin's settings.
     */
    static KdlPluginConfig typedBlock(KdlNode node, String type, String label, PluginRegistry plugins,
                                      String... bindingKeys) {
        KdlPluginConfig config = new KdlPluginConfig(node, type, label, plugins, 0);
        config.bindingKeys.addAll(List.of(bindingKeys));
        return config;
    }

    private KdlPluginConfig(KdlNode node, String type, String label, PluginRegistry plugins, int depth) {
        this.node = node;
        this.type = type;
        this.label = label;
        this.plugins = plugins;
        this.depth = depth;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public boolean has(String key) {
        accepted.add(key);
        return node.children().stream().anyMatch(c -> c.name().equals(key));
    }

    @Override
    public String string(String key, String fallback) throws ConfigException {
        KdlNode child = child(key);
        if (child == null) {
            return fallback;
        }
        KdlValue value = scalar(child);
        if (value instanceof KdlValue.Str s) {
            return s.value();
        }
        throw at(value, key, "'" + key + "' takes a string");
    }

    @Override
    public List<String> strings(String key) throws ConfigException {
        KdlNode child = child(key);
        if (child == null) {
            return List.of();
        }
        if (child.arguments().isEmpty() || !child.properties().isEmpty() || !child.children().isEmpty()) {
            throw at(child.location(), key, "'" + key + "' takes one or more strings");
        }
        List<String> values = new ArrayList<>();
        for (KdlValue value : child.arguments()) {
            if (!(value instanceof KdlValue.Str s)) {
                throw at(value, key, "'" + key + "' takes strings only");
            }
            values.add(s.value());
        }
        return List.copyOf(values);
    }

    @Override
    public Map<String, String> pairs(String key) throws ConfigException {
        KdlNode child = child(key);
        if (child == null) {
            return Map.of();
        }
        if (!child.arguments().isEmpty() || !child.properties().isEmpty()) {
            throw at(child.location(), key, "'" + key + "' takes a block of name-value pairs: " + key
                    + " { \"X-Name\" \"value\" }");
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        for (KdlNode pair : child.children()) {
            if (pair.arguments().size() != 1 || !(pair.arguments().getFirst() instanceof KdlValue.Str value)
                    || !pair.properties().isEmpty() || !pair.children().isEmpty()) {
                throw at(pair.location(), key, "'" + pair.name() + "' in '" + key + "' takes exactly one string");
            }
            if (pairs.putIfAbsent(pair.name(), value.value()) != null) {
                throw at(pair.location(), key, "'" + pair.name() + "' given more than once in '" + key + "'");
            }
        }
        return java.util.Collections.unmodifiableMap(pairs);
    }

    @Override
    public int integer(String key, int fallback, int min, int max) throws ConfigException {
        KdlNode child = child(key);
        if (child == null) {
            return fallback;
        }
        KdlValue value = scalar(child);
        return (int) whole(value, key, min, max);
    }

    @Override
    public long bytes(String key, long fallback) throws ConfigException {
        KdlNode child = child(key);
        if (child == null) {
            return fallback;
        }
        KdlValue value = scalar(child);
        if (value instanceof KdlValue.Str s) {
            Long parsed = Block.parseSize(s.value());
            if (parsed == null) {
                throw at(value, key, "'" + key + "' is not a size: \"" + s.value()
                        + "\" (write bytes, or a number with B, KB, MB, GB, KiB, MiB, GiB)");
            }
            return parsed;
        }
        return whole(value, key, 0, Long.MAX_VALUE);
    }

    @Override
    public Duration duration(String key, Duration fallback) throws ConfigException {
        KdlNode child = child(key);
        if (child == null) {
            return fallback;
        }
        KdlValue value = scalar(child);
        if (value instanceof KdlValue.Str s) {
            Matcher m = DURATION.matcher(s.value().trim().toLowerCase(Locale.ROOT));
            long amount = m.matches() ? Long.parseLong(m.group(1)) : 0;
            if (amount < 1) {
                throw at(value, key, "'" + key + "' is not a positive duration: \"" + s.value()
                        + "\" (write whole seconds, or a whole number with ms, s, m, h or d: \"30s\")");
            }
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        return Duration.ofSeconds(whole(value, key, 1, Integer.MAX_VALUE));
    }

    @Override
    public boolean bool(String key, boolean fallback) throws ConfigException {
        KdlNode child = child(key);
        if (child == null) {
            return fallback;
        }
        KdlValue value = scalar(child);
        if (value instanceof KdlValue.Bool b) {
            return b.value();
        }
        throw at(value, key, "'" + key + "' takes #true or #false");
    }

    @Override
    public <T, P extends PluginProvider<T>> T plugin(String key, Class<P> providerType, String fallbackType)
            throws ConfigException {
        String name = string(key, fallbackType);
        P provider = plugins.find(providerType, name);
        if (provider == null) {
            throw invalid(key, "'" + key + "' names no installed " + PluginBinder.kindName(providerType) + " \"" + name
                    + "\"; available: " + String.join(", ", plugins.types(providerType)));
        }
        if (depth >= MAX_NESTING) {
            throw invalid(key, "plugins delegate to plugins more than " + MAX_NESTING + " deep");
        }
        KdlNode at = node.children().stream().filter(c -> c.name().equals(key)).findFirst().orElse(node);
        KdlNode empty = new KdlNode(node.name(), null, List.of(new KdlValue.Str(name, null, at.location())), Map.of(),
                List.of(), at.location());
        return provider.create(new KdlPluginConfig(empty, name, label + " (its " + key + " \"" + name + "\")",
                plugins, depth + 1));
    }

    @Override
    public ConfigException invalid(String key, String reason) {
        if (key != null) {
            accepted.add(key);
            for (KdlNode child : node.children()) {
                if (child.name().equals(key)) {
                    return at(child.arguments().isEmpty() ? child.location() : child.arguments().getFirst().location(),
                            key, reason);
                }
            }
        }
        return at(node.location(), key, reason);
    }

    /** One error per setting the plugin never asked for. */
    List<ConfigException> unknownKeys() {
        List<ConfigException> errors = new ArrayList<>();
        for (KdlNode child : node.children()) {
            if (!accepted.contains(child.name()) && !bindingKeys.contains(child.name())) {
                String accepts = accepted.isEmpty() ? label + " takes no settings"
                        : "accepted keys: " + String.join(", ", accepted);
                errors.add(at(child.location(), child.name(), "unknown key '" + child.name() + "' in " + label + "; "
                        + accepts));
            }
        }
        return errors;
    }

    private KdlNode child(String key) throws ConfigException {
        accepted.add(key);
        KdlNode found = null;
        for (KdlNode child : node.children()) {
            if (child.name().equals(key)) {
                if (found != null) {
                    throw at(child.location(), key, "'" + key + "' given more than once in " + label
                            + " (first at line " + found.location().line() + ")");
                }
                found = child;
            }
        }
        return found;
    }

    private KdlValue scalar(KdlNode child) throws ConfigException {
        if (child.arguments().size() != 1 || !child.properties().isEmpty() || !child.children().isEmpty()) {
            throw at(child.location(), child.name(), "'" + child.name() + "' takes exactly one value");
        }
        return child.arguments().getFirst();
    }

    private long whole(KdlValue value, String key, long min, long max) throws ConfigException {
        if (value instanceof KdlValue.Num n && n.integer()) {
            BigDecimal v = n.value();
            if (v.compareTo(BigDecimal.valueOf(min)) >= 0 && v.compareTo(BigDecimal.valueOf(max)) <= 0) {
                return v.longValueExact();
            }
            throw at(value, key, "'" + key + "' must be between " + min + " and " + max);
        }
        throw at(value, key, "'" + key + "' takes a whole number");
    }

    private static ConfigException at(KdlValue value, String key, String reason) {
        return at(value.location(), key, reason);
    }

    private static ConfigException at(KdlLocation where, String key, String reason) {
        return new ConfigException(where.file(), where.line(), where.column(), key, reason);
    }
}

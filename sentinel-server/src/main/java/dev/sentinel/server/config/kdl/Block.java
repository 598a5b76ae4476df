package dev.sentinel.server.config.kdl;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A config block being bound: hands out its children by key and remembers which keys were asked
 * for, so that {@link #finish()} can refuse every other key with the list the block accepts.
 *
 * <p>Keys that Zentinel knows but Sentinel does not implement yet are declared with
 * {@link #notYetSupported}, and refused as such rather than as unknown.
 */
final class Block {
    private final KdlNode node;
    private final String label;
    private final Diagnostics diag;
    private final Set<String> accepted = new LinkedHashSet<>();
    private final Set<String> notYet = new LinkedHashSet<>();

    Block(KdlNode node, String label, Diagnostics diag) {
        this.node = node;
        this.label = label;
        this.diag = diag;
    }

    KdlNode node() {
        return node;
    }

    String label() {
        return label;
    }

    Diagnostics diagnostics() {
        return diag;
    }

    /** Every child named one of {@code names} (the first is the documented spelling). */
    List<KdlNode> children(String... names) {
        accepted.add(names[0]);
        List<KdlNode> found = new ArrayList<>();
        for (KdlNode child : node.children()) {
            for (String name : names) {
                if (child.name().equals(name)) {
                    found.add(child);
                    accepted.add(name);
                }
            }
        }
        return found;
    }

    /** The child named one of {@code names}, or {@code null}; a second one is an error. */
    KdlNode child(String... names) {
        List<KdlNode> found = children(names);
        for (int i = 1; i < found.size(); i++) {
            diag.error(found.get(i).location(), "'" + found.get(i).name() + "' given more than once in "
                    + label + " (first at line " + found.getFirst().location().line() + ")");
        }
        return found.isEmpty() ? null : found.getFirst();
    }

    String string(String name, String fallback) {
        KdlNode child = child(name);
        String value = child == null ? null : string(child);
        return value == null ? fallback : value;
    }

    int integer(String[] names, int fallback, long min, long max) {
        KdlNode child = child(names);
        Long value = child == null ? null : integer(child, min, max);
        return value == null ? fallback : value.intValue();
    }

    boolean bool(String name, boolean fallback) {
        KdlNode child = child(name);
        if (child == null) {
            return fallback;
        }
        KdlValue value = scalar(child);
        if (value instanceof KdlValue.Bool b) {
            return b.value();
        }
        if (value != null) {
            diag.error(value.location(), "'" + child.name() + "' takes #true or #false");
        }
        return fallback;
    }

    /** A whole number of seconds, at least {@code min}, under any of {@code names}. */
    Duration seconds(String[] names, Duration fallback, long min) {
        KdlNode child = child(names);
        Long value = child == null ? null : integer(child, min, Integer.MAX_VALUE);
        return value == null ? fallback : Duration.ofSeconds(value);
    }

    /** Declares keys Zentinel has and Sentinel does not implement yet. */
    void notYetSupported(String... names) {
        notYet.addAll(List.of(names));
    }

    /** Refuses every child not asked for; call after all keys were read. */
    void finish() {
        for (KdlNode child : node.children()) {
            if (accepted.contains(child.name())) {
                continue;
            }
            if (notYet.contains(child.name())) {
                diag.error(child.location(), "'" + child.name() + "' in " + label
                        + " is not supported yet by Sentinel");
            } else {
                diag.error(child.location(), "unknown key '" + child.name() + "' in " + label
                        + "; accepted keys: " + String.join(", ", accepted));
            }
        }
    }

    /** A block node: no arguments beyond {@code allowedArgs}, no properties. */
    void expectShape(int allowedArgs) {
        for (int i = allowedArgs; i < node.arguments().size(); i++) {
            diag.error(node.arguments().get(i).location(), "unexpected argument to '" + node.name() + "'");
        }
        for (var property : node.properties().entrySet()) {
            diag.error(property.getValue().location(),
                    "unexpected property '" + property.getKey() + "' on '" + node.name() + "'");
        }
    }

    // ---- values of single-valued nodes ------------------------------------------------------

    /** The one argument of a {@code key value} node, or {@code null} after reporting why not. */
    KdlValue scalar(KdlNode child) {
        boolean shapeOk = child.arguments().size() == 1 && child.properties().isEmpty() && child.children().isEmpty();
        if (!shapeOk) {
            diag.error(child.location(), "'" + child.name() + "' takes exactly one value");
            return null;
        }
        return child.arguments().getFirst();
    }

    String string(KdlNode child) {
        KdlValue value = scalar(child);
        if (value instanceof KdlValue.Str s) {
            return s.value();
        }
        if (value != null) {
            diag.error(value.location(), "'" + child.name() + "' takes a string");
        }
        return null;
    }

    Long integer(KdlNode child, long min, long max) {
        KdlValue value = scalar(child);
        return value == null ? null : integer(child.name(), value, min, max);
    }

    Long integer(String key, KdlValue value, long min, long max) {
        if (value instanceof KdlValue.Num n && n.integer()) {
            BigDecimal v = n.value();
            if (v.compareTo(BigDecimal.valueOf(min)) >= 0 && v.compareTo(BigDecimal.valueOf(max)) <= 0) {
                return v.longValueExact();
            }
            diag.error(value.location(), "'" + key + "' must be between " + min + " and " + max);
            return null;
        }
        diag.error(value.location(), "'" + key + "' takes a whole number");
        return null;
    }

    /** A byte count: a whole number, or a string such as {@code "10MB"}, {@code "512KiB"}. */
    Long bytes(KdlNode child) {
        KdlValue value = scalar(child);
        if (value instanceof KdlValue.Str s) {
            Long parsed = parseSize(s.value());
            if (parsed == null) {
                diag.error(value.location(), "'" + child.name() + "' is not a size: \"" + s.value()
                        + "\" (write bytes, or a number with B, KB, MB, GB, KiB, MiB, GiB)");
            }
            return parsed;
        }
        return value == null ? null : integer(child.name(), value, 0, Long.MAX_VALUE);
    }

    static Long parseSize(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        int split = 0;
        while (split < t.length() && Character.isDigit(t.charAt(split))) {
            split++;
        }
        if (split == 0) {
            return null;
        }
        long multiplier = switch (t.substring(split).trim()) {
            case "", "B" -> 1;
            case "K", "KB", "KIB" -> 1024;
            case "M", "MB", "MIB" -> 1024 * 1024;
            case "G", "GB", "GIB" -> 1024L * 1024 * 1024;
            default -> -1;
        };
        if (multiplier < 0) {
            return null;
        }
        try {
            return Math.multiplyExact(Long.parseLong(t.substring(0, split)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            return null;
        }
    }
}

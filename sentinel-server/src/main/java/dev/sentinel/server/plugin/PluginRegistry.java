package dev.sentinel.server.plugin;

import dev.sentinel.spi.AgentProvider;
import dev.sentinel.spi.FilterProvider;
import dev.sentinel.spi.LoadBalancerProvider;
import dev.sentinel.spi.PluginProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every plugin type this process can configure, by kind and name: the built-ins found on the class path
 * ({@code lib/}), then the plugin jars of {@code plugins/}, each in a class loader of its own
 * ({@link PluginClassLoader}). Loaded once, at start: a reload configures the same providers again, and a
 * new or changed jar needs a restart.
 *
 * <p>A jar that cannot be read, whose providers fail to load, or that claims a name already taken is
 * skipped as a whole and listed in {@link #problems()} with its file name; it never stops the others.
 * Immutable once loaded, so any thread may read it.
 *
 * <pre>
 * PluginRegistry plugins = PluginRegistry.load(home.resolve("plugins"));
 * LoadBalancerProvider sticky = plugins.find(LoadBalancerProvider.class, "sticky");
 * </pre>
 */
public final class PluginRegistry {
    /** A kind of plugin: an SPI provider interface, and how listings name it. */
    public record Kind(String name, Class<? extends PluginProvider<?>> type) {
    }

    /** Every kind, in listing order. */
    public static final List<Kind> KINDS = List.of(new Kind("load-balancer", LoadBalancerProvider.class),
            new Kind("filter", FilterProvider.class), new Kind("agent", AgentProvider.class));

    private final Map<Class<?>, Map<String, Installed>> byName;
    private final List<Installed> installed;
    private final List<String> problems;

    private PluginRegistry(Map<Class<?>, Map<String, Installed>> byName, List<Installed> installed,
                           List<String> problems) {
        this.byName = byName;
        this.installed = installed;
        this.problems = problems;
    }

    /** The built-ins only: what the class path provides. */
    public static PluginRegistry builtins() {
        return load(null);
    }

    /** The built-ins, then every {@code *.jar} directly in {@code pluginsDir} (when not {@code null}). */
    public static PluginRegistry load(Path pluginsDir) {
        Catalog catalog = new Catalog();
        PluginScanner.builtins(catalog);
        if (pluginsDir != null) {
            PluginScanner.jars(pluginsDir, catalog);
        }
        List<Installed> sorted = new ArrayList<>(catalog.all);
        sorted.sort(Comparator.comparing((Installed i) -> KINDS.indexOf(i.kind())).thenComparing(Installed::type));
        return new PluginRegistry(catalog.byName, List.copyOf(sorted), List.copyOf(catalog.problems));
    }

    /** The provider of {@code kind} called {@code name} (hyphens and underscores alike), or {@code null}. */
    public <P extends PluginProvider<?>> P find(Class<P> kind, String name) {
        Installed found = byName.getOrDefault(kind, Map.of()).get(PluginNames.normalise(name));
        return found == null ? null : kind.cast(found.provider());
    }

    /** The type names of {@code kind}, sorted (aliases left out). */
    public List<String> types(Class<?> kind) {
        return installed.stream().filter(i -> i.kind().type() == kind).map(Installed::type).toList();
    }

    /** Every installed type, by kind then name. */
    public List<Installed> installed() {
        return installed;
    }

    /** What was skipped and why, each naming its jar: {@code plugins/x.jar: not a readable jar (…); skipped}. */
    public List<String> problems() {
        return problems;
    }

    /** One line per source for the start-up log: {@code load-balancer: a, b (built-in); c (plugins/x.jar)}. */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        for (Kind kind : KINDS) {
            Map<String, List<String>> bySource = installed.stream()
                    .filter(i -> i.kind().equals(kind))
                    .collect(Collectors.groupingBy(Installed::source, LinkedHashMap::new,
                            Collectors.mapping(Installed::type, Collectors.toList())));
            if (!bySource.isEmpty()) {
                lines.add(kind.name() + ": " + bySource.entrySet().stream()
                        .map(e -> String.join(", ", e.getValue()) + " (" + e.getKey() + ")")
                        .collect(Collectors.joining("; ")));
            }
        }
        return lines;
    }

    /** The registry being built: names taken so far, and what was refused. */
    static final class Catalog {
        final Map<Class<?>, Map<String, Installed>> byName = new HashMap<>();
        final List<Installed> all = new ArrayList<>();
        final List<String> problems = new ArrayList<>();

        /**
         * Adds every provider of {@code batch}, or none: returns why not when a name is malformed, taken
         * already, or claimed twice within the batch; {@code null} when all were added.
         */
        String addAll(List<Installed> batch) {
            Map<Class<?>, Map<String, Installed>> claimed = new HashMap<>();
            for (Installed candidate : batch) {
                Class<?> kind = candidate.kind().type();
                List<String> names = new ArrayList<>();
                names.add(candidate.provider().type());
                names.addAll(candidate.provider().aliases());
                for (String name : names) {
                    if (!PluginNames.valid(name)) {
                        return candidate.kind().name() + " " + candidate.provider().getClass().getName()
                                + " has the name '" + name + "'; names are lower-case letters, digits and underscores";
                    }
                    Installed taken = byName.getOrDefault(kind, Map.of()).get(name);
                    if (taken == null) {
                        taken = claimed.getOrDefault(kind, Map.of()).get(name);
                    }
                    if (taken != null) {
                        return candidate.kind().name() + " '" + name + "' is already provided by " + taken.source()
                                + " (" + taken.type() + ")";
                    }
                    claimed.computeIfAbsent(kind, k -> new HashMap<>()).put(name, candidate);
                }
            }
            claimed.forEach((kind, names) -> byName.computeIfAbsent(kind, k -> new HashMap<>()).putAll(names));
            all.addAll(batch);
            return null;
        }
    }
}

package dev.sentinel.server.plugin;

import dev.sentinel.spi.PluginProvider;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;

/** Finds providers: on the class path (built-ins), and in each plugin jar. */
final class PluginScanner {
    static final String BUILT_IN = "built-in";
    /** A broken services file can make a ServiceLoader iterator fail on every step; stop after this many. */
    private static final int MAX_ERRORS_PER_KIND = 100;

    private PluginScanner() {
    }

    /** Every provider the class path declares; a provider that fails to load is skipped on its own. */
    static void builtins(PluginRegistry.Catalog catalog) {
        ClassLoader classPath = PluginScanner.class.getClassLoader();
        for (PluginRegistry.Kind kind : PluginRegistry.KINDS) {
            Iterator<? extends PluginProvider<?>> providers = ServiceLoader.load(kind.type(), classPath).iterator();
            int errors = 0;
            while (errors < MAX_ERRORS_PER_KIND) {
                try {
                    if (!providers.hasNext()) {
                        break;
                    }
                    Installed builtIn = new Installed(kind, providers.next(), BUILT_IN);
                    String refused = catalog.addAll(List.of(builtIn));
                    if (refused != null) {
                        catalog.problems.add(BUILT_IN + " " + refused + "; skipped");
                    }
                } catch (ServiceConfigurationError | LinkageError e) {
                    errors++;
                    catalog.problems.add(BUILT_IN + " " + kind.name() + " failed to load: " + e.getMessage()
                            + "; skipped");
                }
            }
        }
    }

    /** Each {@code *.jar} directly in {@code dir}, in file-name order; each one is taken whole or skipped. */
    static void jars(Path dir, PluginRegistry.Catalog catalog) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir, "*.jar")) {
            listing.forEach(jars::add);
        } catch (IOException e) {
            catalog.problems.add(dir + ": cannot list plugin jars: " + e.getMessage());
            return;
        }
        jars.sort(null);
        for (Path jar : jars) {
            if (Files.isRegularFile(jar)) {
                String source = dir.getFileName() + "/" + jar.getFileName();
                String refused = jar(jar, source, catalog);
                if (refused != null) {
                    catalog.problems.add(source + ": " + refused + "; skipped");
                }
            }
        }
    }

    /** Loads one jar's providers into the catalog; returns why not, or {@code null}. */
    private static String jar(Path jar, String source, PluginRegistry.Catalog catalog) {
        // Opening it checks the zip structure, so a truncated or foreign file is named as such.
        try (JarFile zip = new JarFile(jar.toFile())) {
            if (zip.size() == 0) {
                return "is an empty jar";
            }
        } catch (IOException e) {
            return "not a readable jar (" + e.getMessage() + ")";
        }
        PluginClassLoader loader;
        try {
            loader = new PluginClassLoader(jar, PluginProvider.class.getClassLoader());
        } catch (IOException e) {
            return "cannot be opened (" + e.getMessage() + ")";
        }
        String refused;
        try {
            List<Installed> found = providersOf(loader, source);
            refused = found.isEmpty()
                    ? "provides no Sentinel plugin (no META-INF/services/dev.sentinel.spi.*Provider entry)"
                    : catalog.addAll(found);
        } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
            refused = "failed to load: " + e;
        }
        if (refused != null) {
            close(loader);
        }
        return refused;
    }

    /** The providers defined by the jar itself; those its parent also sees (the built-ins) are left out. */
    private static List<Installed> providersOf(PluginClassLoader loader, String source) {
        List<Installed> found = new ArrayList<>();
        for (PluginRegistry.Kind kind : PluginRegistry.KINDS) {
            ServiceLoader.load(kind.type(), loader).stream()
                    .filter(provider -> provider.type().getClassLoader() == loader)
                    .forEach(provider -> found.add(new Installed(kind, provider.get(), source)));
        }
        return found;
    }

    private static void close(PluginClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            // Nothing of the skipped jar is in use; a failed close only keeps a file handle until exit.
        }
    }
}

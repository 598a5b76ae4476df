package dev.sentinel.server.plugin;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;

/**
 * The class loader of one plugin jar. The JDK and the SPI ({@code dev.sentinel.spi}) come from the parent
 * (the SPI's own loader), so plugin and server agree on the contract's types. Every other class is looked
 * up in the jar first: a plugin that bundles a library uses its own version of it, whatever the server or
 * another plugin holds, and falls back to the parent only for what it does not bundle.
 *
 * <p>No lock is held while a class is read from the jar: two threads racing to define the same class
 * both read it, and the loser takes the winner's definition.
 */
final class PluginClassLoader extends URLClassLoader {
    private static final List<String> PARENT_FIRST = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
            "org.w3c.", "org.xml.", "dev.sentinel.spi.");

    static {
        registerAsParallelCapable();
    }

    PluginClassLoader(Path jar, ClassLoader parent) throws IOException {
        super("plugin:" + jar.getFileName(), new URL[] {jar.toUri().toURL()}, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (parentFirst(name)) {
            return super.loadClass(name, resolve);
        }
        Class<?> loaded = findLoadedClass(name);
        if (loaded == null) {
            try {
                loaded = findClass(name);
            } catch (ClassNotFoundException notInJar) {
                return super.loadClass(name, resolve);
            } catch (LinkageError raced) {
                loaded = findLoadedClass(name);
                if (loaded == null) {
                    throw raced;
                }
            }
        }
        if (resolve) {
            resolveClass(loaded);
        }
        return loaded;
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : super.getResource(name);
    }

    private static boolean parentFirst(String className) {
        for (String prefix : PARENT_FIRST) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}

package dev.sentinel.tests.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/** Packs test classes into a plugin jar, the way a plugin's build would, for a private {@code plugins/}. */
public final class PluginJar {
    private PluginJar() {
    }

    /**
     * Writes {@code jar} holding {@code classes} (their bytes from the test class path; nested and
     * anonymous classes are not followed) and a services file naming {@code provider} for {@code spi}.
     */
    public static void write(Path jar, Class<?> spi, Class<?> provider, Class<?>... classes) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Class<?> type : classes) {
                String entry = type.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream bytes = type.getClassLoader().getResourceAsStream(entry)) {
                    bytes.transferTo(out);
                }
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry("META-INF/services/" + spi.getName()));
            out.write((provider.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }
}

package dev.sentinel.server.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.server.plugin.probe.ImpostorProvider;
import dev.sentinel.server.plugin.probe.ProbeProvider;
import dev.sentinel.spi.LoadBalancer;
import dev.sentinel.spi.LoadBalancerProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginRegistryTest {
    private static final String SERVICES = "META-INF/services/" + LoadBalancerProvider.class.getName();

    @TempDir
    Path plugins;

    @Test
    void theBuiltInsAreFoundOnTheClassPathWithoutProblems() {
        PluginRegistry registry = PluginRegistry.builtins();
        assertEquals(List.of(), registry.problems());
        assertEquals(12, registry.types(LoadBalancerProvider.class).size(), registry.types(LoadBalancerProvider.class).toString());
        assertTrue(registry.installed().stream().allMatch(i -> i.source().equals("built-in")));
        assertSame(registry.find(LoadBalancerProvider.class, "least_connections"),
                registry.find(LoadBalancerProvider.class, "Least-Connections"), "case, hyphens and aliases alike");
        assertSame(registry.find(LoadBalancerProvider.class, "least_connections"),
                registry.find(LoadBalancerProvider.class, "leastconnections"));
        assertNull(registry.find(LoadBalancerProvider.class, "fastest"));
    }

    @Test
    void aPluginJarGetsAClassLoaderOfItsOwnAndSharesOnlyTheSpi() throws Exception {
        jar("probe.jar", List.of(ProbeProvider.class), ProbeProvider.class.getName());
        PluginRegistry registry = PluginRegistry.load(plugins);
        assertEquals(List.of(), registry.problems());
        LoadBalancerProvider probe = registry.find(LoadBalancerProvider.class, "probe-balancer");
        assertNotNull(probe);
        assertInstanceOf(PluginClassLoader.class, probe.getClass().getClassLoader());
        assertNotSame(ProbeProvider.class, probe.getClass(), "the jar's copy, not the class path's");
        LoadBalancer balancer = probe.create(null);
        assertNotNull(balancer);
        Installed installed = registry.installed().stream().filter(i -> i.type().equals("probe_balancer")).findFirst()
                .orElseThrow();
        assertEquals(plugins.getFileName() + "/probe.jar", installed.source());
        assertEquals("load-balancer", installed.kind().name());
        assertTrue(registry.summary().getFirst().endsWith("probe_balancer (" + installed.source() + ")"),
                registry.summary().toString());
    }

    @Test
    void aCorruptJarIsReportedByNameAndSkippedWhileTheOthersLoad() throws Exception {
        Files.writeString(plugins.resolve("broken.jar"), "this is not a zip file");
        jar("probe.jar", List.of(ProbeProvider.class), ProbeProvider.class.getName());
        PluginRegistry registry = PluginRegistry.load(plugins);
        assertEquals(1, registry.problems().size(), registry.problems().toString());
        String problem = registry.problems().getFirst();
        assertTrue(problem.startsWith(plugins.getFileName() + "/broken.jar: not a readable jar (") && problem.endsWith("; skipped"),
                problem);
        assertNotNull(registry.find(LoadBalancerProvider.class, "probe_balancer"));
    }

    @Test
    void aJarWhoseProviderClassIsMissingIsSkipped() throws Exception {
        jar("hollow.jar", List.of(), "com.example.Missing");
        PluginRegistry registry = PluginRegistry.load(plugins);
        assertTrue(registry.problems().getFirst().startsWith(plugins.getFileName() + "/hollow.jar: failed to load: "),
                registry.problems().toString());
    }

    @Test
    void aJarThatClaimsATakenNameIsSkippedWhole() throws Exception {
        jar("impostor.jar", List.of(ProbeProvider.class, ImpostorProvider.class), ProbeProvider.class.getName(),
                ImpostorProvider.class.getName());
        PluginRegistry registry = PluginRegistry.load(plugins);
        assertEquals(List.of(plugins.getFileName() + "/impostor.jar: load-balancer 'roundrobin' is already provided by "
                + "built-in (round_robin); skipped"), registry.problems());
        assertNull(registry.find(LoadBalancerProvider.class, "probe_balancer"), "nothing of a refused jar is offered");
        assertNull(registry.find(LoadBalancerProvider.class, "impostor"));
    }

    @Test
    void theFirstJarByNameKeepsANameTwoJarsClaim() throws Exception {
        jar("a.jar", List.of(ProbeProvider.class), ProbeProvider.class.getName());
        jar("b.jar", List.of(ProbeProvider.class), ProbeProvider.class.getName());
        PluginRegistry registry = PluginRegistry.load(plugins);
        assertEquals(List.of(plugins.getFileName() + "/b.jar: load-balancer 'probe_balancer' is already provided by "
                + plugins.getFileName() + "/a.jar (probe_balancer); skipped"), registry.problems());
    }

    @Test
    void aJarWithoutProvidersIsReportedAndAnotherFileIsIgnored() throws Exception {
        jar("library.jar", List.of(ProbeProvider.class));
        Files.writeString(plugins.resolve("README.md"), "not a jar");
        PluginRegistry registry = PluginRegistry.load(plugins);
        assertEquals(1, registry.problems().size(), registry.problems().toString());
        assertTrue(registry.problems().getFirst().contains("library.jar: provides no Sentinel plugin"));
    }

    @Test
    void aMissingPluginsDirectoryMeansBuiltInsOnly() {
        PluginRegistry registry = PluginRegistry.load(plugins.resolve("absent"));
        assertEquals(List.of(), registry.problems());
        assertEquals(PluginRegistry.builtins().types(LoadBalancerProvider.class),
                registry.types(LoadBalancerProvider.class));
    }

    /** A jar holding the given classes (their bytes from the test class path) and a services file. */
    private void jar(String name, List<Class<?>> classes, String... providers) throws IOException {
        try (OutputStream file = Files.newOutputStream(plugins.resolve(name));
             JarOutputStream jar = new JarOutputStream(file)) {
            for (Class<?> type : classes) {
                String entry = type.getName().replace('.', '/') + ".class";
                jar.putNextEntry(new JarEntry(entry));
                try (InputStream bytes = type.getClassLoader().getResourceAsStream(entry)) {
                    bytes.transferTo(jar);
                }
                jar.closeEntry();
            }
            if (providers.length > 0) {
                jar.putNextEntry(new JarEntry(SERVICES));
                jar.write((String.join("\n", providers) + "\n").getBytes(StandardCharsets.UTF_8));
                jar.closeEntry();
            }
        }
    }
}

package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Dist;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code system { worker-threads N }} sizes the carrier threads that run request work, as the JVM itself
 * reports them ({@code jcmd PID Thread.vthread_scheduler}); an explicit JVM property in JAVA_OPTS wins.
 */
class WorkerThreadsTest {
    private static final Pattern PARALLELISM = Pattern.compile("parallelism = (\\d+)");

    @Test
    void workerThreadsIsTheNumberOfCarrierThreads(@TempDir Path dir) throws Exception {
        try (Sentinel sentinel = start(dir, Map.of())) {
            assertEquals(1, parallelism(sentinel));
        }
    }

    @Test
    void aParallelismGivenInJavaOptsWins(@TempDir Path dir) throws Exception {
        try (Sentinel sentinel = start(dir, Map.of("JAVA_OPTS", "-Djdk.virtualThreadScheduler.parallelism=3"))) {
            assertEquals(3, parallelism(sentinel));
        }
    }

    /** Sentinel with {@code worker-threads 1}, answering on its status route. */
    private static Sentinel start(Path dir, Map<String, String> env) throws Exception {
        int port = Ports.free();
        Path config = dir.resolve("sentinel.kdl");
        Files.writeString(config, """
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                routes { route "status" { matches { path-prefix "/" }; builtin-handler "status" } }
                """.formatted(port));
        Sentinel sentinel = Sentinel.start(Dist.home(), config, env, "run", "-c", config.toString());
        assertEquals(200, RawHttp1.get(port, "/").status(), "serves on one carrier");
        return sentinel;
    }

    /** The virtual-thread scheduler's parallelism, as the running JVM reports it. */
    private static int parallelism(Sentinel sentinel) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(sentinel.pid()), "Thread.vthread_scheduler").redirectErrorStream(true).start();
        String report = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, jcmd.waitFor(), report);
        Matcher matcher = PARALLELISM.matcher(report);
        assertTrue(matcher.find(), report);
        return Integer.parseInt(matcher.group(1));
    }
}

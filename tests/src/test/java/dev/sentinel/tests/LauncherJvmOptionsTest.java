package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.sentinel.tests.support.Await;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What {@code bin/sentinel.sh} gives the JVM beyond the documented fixed flags: transparent huge pages for
 * the heap exactly where the kernel offers them on request, so that the heap is really backed by them and a
 * host without them gets no JVM warning.
 */
class LauncherJvmOptionsTest {
    private static final Path THP_MODE = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    private static final String THP_FLAG = "-XX:+UseTransparentHugePages";

    @Test
    void theHeapUsesTransparentHugePagesWhereTheKernelOffersThemOnRequest() throws Exception {
        boolean onRequest = Files.isReadable(THP_MODE) && Files.readString(THP_MODE).contains("[madvise]");
        int port = Ports.free();
        try (Sentinel sentinel = Sentinel.start("""
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:%d" } }
                routes { route "status" { matches { path-prefix "/" }; builtin-handler "status" } }
                """.formatted(port))) {
            List<String> jvmArgs = Arrays.asList(Files.readString(Path.of("/proc/" + sentinel.pid() + "/cmdline"))
                    .split("\0"));
            assertEquals(onRequest, jvmArgs.contains(THP_FLAG), "kernel mode " + modeOf() + ", JVM args " + jvmArgs);
            assertFalse(sentinel.output().contains("[warning][pagesize]"), sentinel.output());
            if (onRequest) {
                Path rollup = Path.of("/proc/" + sentinel.pid() + "/smaps_rollup");
                Await.until("the JVM's anonymous memory is partly in huge pages", Duration.ofSeconds(10),
                        () -> anonHugePagesKb(Files.readString(rollup)) > 0);
            }
        }
    }

    private static long anonHugePagesKb(String smapsRollup) {
        Matcher m = Pattern.compile("(?m)^AnonHugePages:\\s+(\\d+) kB").matcher(smapsRollup);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String modeOf() throws Exception {
        return Files.isReadable(THP_MODE) ? Files.readString(THP_MODE).trim() : "(no " + THP_MODE + ")";
    }
}

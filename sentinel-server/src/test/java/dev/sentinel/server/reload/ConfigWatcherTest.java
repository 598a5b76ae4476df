package dev.sentinel.server.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sentinel.server.config.kdl.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWatcherTest {
    @TempDir
    Path dir;
    private Path file;
    private final AtomicReference<String> running = new AtomicReference<>();
    private final AtomicInteger reloads = new AtomicInteger();
    private ConfigWatcher watcher;

    @BeforeEach
    void start() throws Exception {
        file = dir.resolve("sentinel.kdl");
        Files.writeString(file, "first");
        running.set(ConfigLoader.sha256("first"));
        // Stands in for the server's reload: the file's content comes into force.
        watcher = new ConfigWatcher(file, running::get, () -> {
            try {
                running.set(ConfigLoader.sha256(Files.readString(file)));
                reloads.incrementAndGet();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        watcher.start();
    }

    @AfterEach
    void stop() throws Exception {
        watcher.stop();
    }

    @Test
    void aChangedFileReloadsOnce() throws Exception {
        Files.writeString(file, "second");
        await(reloads::get, 1);
    }

    @Test
    void aFileReplacedByRenameIsSeen() throws Exception {
        Path temp = dir.resolve(".sentinel.kdl.swp");
        Files.writeString(temp, "renamed");
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await(reloads::get, 1);
        assertEquals(ConfigLoader.sha256("renamed"), running.get());
    }

    @Test
    void rewritingTheSameContentDoesNotReload() throws Exception {
        long checks = watcher.checks();
        Files.writeString(file, "first");
        await(watcher::checks, checks + 1);
        assertEquals(0, reloads.get());
    }

    @Test
    void contentTriedOnceIsNotTriedAgainUntilItChanges() throws Exception {
        // A reload that is refused leaves the running configuration as it was.
        watcher.stop();
        watcher = new ConfigWatcher(file, running::get, reloads::incrementAndGet);
        watcher.start();
        Files.writeString(file, "broken");
        await(reloads::get, 1);
        long checks = watcher.checks();
        Files.writeString(file, "broken");
        await(watcher::checks, checks + 1);
        assertEquals(1, reloads.get());
        Files.writeString(file, "fixed");
        await(reloads::get, 2);
    }

    @Test
    void otherFilesInTheDirectoryAreIgnored() throws Exception {
        Files.writeString(dir.resolve("access.log"), "noise");
        Files.writeString(file, "second");
        await(reloads::get, 1);
        assertEquals(1, watcher.checks());
    }

    private static void await(LongSupplier value, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (value.getAsLong() < expected) {
            if (System.nanoTime() > deadline) {
                fail("still " + value.getAsLong() + ", expected " + expected);
            }
            Thread.sleep(10);
        }
        assertEquals(expected, value.getAsLong());
    }
}

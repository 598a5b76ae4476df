package dev.sentinel.server.reload;

import dev.sentinel.server.config.kdl.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code system { auto-reload #true }}: watches the config file and asks for a reload when its content
 * changed, through the same validate-then-swap path as SIGHUP.
 *
 * <ul>
 * <li>The directory is watched, not the file: editors that save by writing a new file and renaming it over
 *     the old one (vim, sed -i, Kubernetes ConfigMap symlink swaps) replace the inode a file watch would
 *     follow.</li>
 * <li>Events are debounced: after one, the watcher waits until the directory has been quiet for
 *     {@value #QUIET_MS} ms (at most {@value #MAX_WAIT_MS} ms), so a save in several writes is one reload.</li>
 * <li>The content decides: the file's SHA-256 is compared with the configuration in force and with the last
 *     content tried, so touching the file, rewriting it unchanged, or a file refused once and left as it is,
 *     does not reload again.</li>
 * </ul>
 * One platform thread, {@code sentinel-config-watch}; the reload itself runs on it and reloads are serialised
 * by the server.
 */
public final class ConfigWatcher extends AbstractLifeCycle {
    static final long QUIET_MS = 250;
    static final long MAX_WAIT_MS = 2_000;
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path file;
    private final Supplier<String> runningSha256;
    private final Runnable reload;
    private final AtomicLong checks = new AtomicLong();
    private WatchService watch;
    private Thread thread;
    private String lastTried;

    /**
     * @param runningSha256 the SHA-256 of the configuration in force ({@link ConfigLoader#sha256})
     * @param reload        validates and swaps in the file; its outcome is counted and logged by the server
     */
    public ConfigWatcher(Path file, Supplier<String> runningSha256, Runnable reload) {
        this.file = file.toAbsolutePath();
        this.runningSha256 = runningSha256;
        this.reload = reload;
    }

    @Override
    protected void doStart() throws IOException {
        watch = file.getFileSystem().newWatchService();
        file.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        lastTried = runningSha256.get();
        thread = Thread.ofPlatform().name("sentinel-config-watch").daemon().start(this::run);
        LOG.info("auto-reload: watching {}", file);
    }

    @Override
    protected void doStop() throws Exception {
        watch.close();
        thread.join(TimeUnit.SECONDS.toMillis(5));
    }

    /** How many times the file's content was checked (for tests: a check that found nothing new is visible). */
    long checks() {
        return checks.get();
    }

    private void run() {
        try {
            while (true) {
                if (!concernsFile(watch.take())) {
                    continue;
                }
                settle();
                checkContent();
            }
        } catch (ClosedWatchServiceException e) {
            // stopped
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Consumes the key's events; true when one may have changed the file (or the file is a symlink). */
    private boolean concernsFile(WatchKey key) {
        boolean concerns = Files.isSymbolicLink(file);
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW || file.getFileName().equals(event.context())) {
                concerns = true;
            }
        }
        key.reset();
        return concerns;
    }

    /** Waits until the directory has been quiet for a moment, or the longest wait is over. */
    private void settle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_WAIT_MS);
        while (System.nanoTime() < deadline) {
            WatchKey more = watch.poll(QUIET_MS, TimeUnit.MILLISECONDS);
            if (more == null) {
                return;
            }
            more.pollEvents();
            more.reset();
        }
    }

    private void checkContent() {
        String sha;
        try {
            // Decoded leniently: a file that is not UTF-8 gets a hash of its own, and its reload is refused.
            sha = ConfigLoader.sha256(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        } catch (IOException e) {
            // Missing between an editor's delete and rename: the next event says more.
            LOG.debug("auto-reload: cannot read {} yet", file, e);
            checks.incrementAndGet();
            return;
        }
        boolean changed = !sha.equals(lastTried) && !sha.equals(runningSha256.get());
        lastTried = sha;
        checks.incrementAndGet();
        if (changed) {
            LOG.info("auto-reload: {} changed, reloading", file);
            reload.run();
        }
    }
}

package dev.sentinel.tests.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Sentinel started the way an operator starts it: {@code bin/sentinel.sh run -c FILE} from the built
 * distribution, with its output captured. Closing it sends SIGTERM and waits for the exit.
 */
public final class Sentinel implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path configFile;
    private final StringBuffer output = new StringBuffer();

    private Sentinel(Process process, Path configFile) {
        this.process = process;
        this.configFile = configFile;
        Thread.ofVirtual().start(this::pump);
    }

    /** Writes {@code kdl} to a temp file and starts Sentinel on it; returns once it logged "started:". */
    public static Sentinel start(String kdl) throws IOException, InterruptedException {
        Path file = Files.createTempFile("sentinel-", ".kdl");
        Files.writeString(file, kdl);
        return start(Dist.home(), file, "run", "-c", file.toString());
    }

    /**
     * Starts {@code home/bin/sentinel.sh} with {@code args} and waits for the "started:" line.
     *
     * @param configFile the file the args name, kept for reload tests; may be {@code null}
     */
    public static Sentinel start(Path home, Path configFile, String... args) throws IOException, InterruptedException {
        return start(home, configFile, Map.of(), args);
    }

    /** As {@link #start(Path, Path, String...)}, with extra environment variables for the script. */
    public static Sentinel start(Path home, Path configFile, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder script = Dist.script(home, args);
        script.environment().putAll(env);
        Sentinel sentinel = new Sentinel(script.start(), configFile);
        try {
            sentinel.awaitOutput("started:", START_TIMEOUT);
        } catch (AssertionError | InterruptedException e) {
            sentinel.process.destroyForcibly();
            throw e;
        }
        return sentinel;
    }

    /** The config file this instance reads (for reload tests), or {@code null}. */
    public Path configFile() {
        return configFile;
    }

    public long pid() {
        return process.pid();
    }

    /** Everything the process printed so far. */
    public String output() {
        return output.toString();
    }

    /** Waits until the output contains {@code text}; fails if the process exits or time runs out. */
    public void awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(text)) {
            if (!process.isAlive() && !output().contains(text)) {
                Thread.sleep(50); // let the pump drain the last bytes
                if (output().contains(text)) {
                    return;
                }
                throw new AssertionError("Sentinel exited with " + process.exitValue() + " before printing '" + text
                        + "':\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Sentinel did not print '" + text + "' within " + timeout + ":\n" + output());
            }
            Thread.sleep(20);
        }
    }

    /** Sends a signal by name (HUP, TERM) to the JVM. */
    public void signal(String name) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("Sentinel did not exit within " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private void pump() {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                output.append(line).append('\n');
            }
        } catch (IOException e) {
            output.append("[output pump failed: ").append(e).append("]\n");
        }
    }
}

package dev.sentinel.tests.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Where the built distribution is, and how to run its script. */
public final class Dist {
    /** A small heap: many Sentinels start during the suite on a 2-core machine. */
    private static final String TEST_JAVA_OPTS = "-Xms64m -Xmx256m -XX:TieredStopAtLevel=1";

    private Dist() {
    }

    /** The checkout, which is itself a runnable distribution once the build filled lib/. */
    public static Path home() {
        return Path.of(System.getProperty("sentinel.home", "..")).toAbsolutePath().normalize();
    }

    /** The tarball the build produced. */
    public static Path tarball() {
        return Path.of(System.getProperty("sentinel.tarball"));
    }

    /** The shared reference material beside the checkout (configs, KDL cases). */
    public static Path reference() {
        return Path.of(System.getProperty("sentinel.reference", "../../shared/reference")).toAbsolutePath().normalize();
    }

    /** {@code home/bin/sentinel.sh args...}, stderr merged into stdout. */
    public static ProcessBuilder script(Path home, String... args) {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/sentinel.sh").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JAVA_OPTS", TEST_JAVA_OPTS);
        builder.environment().remove("SENTINEL_CONFIG");
        return builder;
    }

    /** Runs the script to completion. */
    public static Result run(Path home, String... args) throws IOException, InterruptedException {
        Process process = script(home, args).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/sentinel.sh " + String.join(" ", args) + " did not finish");
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    public static Result run(String... args) throws IOException, InterruptedException {
        return run(home(), args);
    }

    /** Exit code and combined output of a finished command. */
    public record Result(int exitCode, String output) {
    }
}

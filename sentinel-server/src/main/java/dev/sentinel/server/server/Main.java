package dev.sentinel.server.server;

import dev.sentinel.server.config.SentinelConfig;
import dev.sentinel.server.config.kdl.ConfigError;
import dev.sentinel.server.config.kdl.ConfigException;
import dev.sentinel.server.config.kdl.ConfigLoader;
import dev.sentinel.server.plugin.Installed;
import dev.sentinel.server.plugin.PluginRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The command line, called by {@code bin/sentinel.sh}:
 * <pre>
 * sentinel run  [-c FILE]   serve in the foreground; SIGHUP reloads; SIGTERM/SIGINT stop gracefully
 *                           and exit 0, a second one exits at once
 * sentinel test [-c FILE]   validate and exit: 0 and a summary, or 1 and every error as file:line:col
 * sentinel plugins          list the plugin types on offer (built-in and plugins/*.jar); 1 when a jar
 *                           was skipped
 * </pre>
 * Without {@code -c}, the embedded default config is used. Plugin jars are read from the {@code plugins/}
 * directory of the installation named by the {@code sentinel.home} system property (set by
 * {@code bin/sentinel.sh}); without it, only the built-ins are offered.
 */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_INVALID_CONFIG = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_START_FAILED = 3;
    /** A second SIGTERM/SIGINT during a graceful stop. */
    static final int EXIT_FORCED = 4;
    private static final String CARRIER_PARALLELISM = "jdk.virtualThreadScheduler.parallelism";

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 1 && args[0].equals("plugins")) {
            return listPlugins(loadPlugins(), out, err);
        }
        if (args.length == 0 || !(args[0].equals("run") || args[0].equals("test"))) {
            err.println("usage: sentinel (run|test) [-c FILE] | sentinel plugins");
            return EXIT_USAGE;
        }
        Path file = null;
        for (int i = 1; i < args.length; i++) {
            if ((args[i].equals("-c") || args[i].equals("--config")) && i + 1 < args.length) {
                file = Path.of(args[++i]);
            } else {
                err.println("sentinel: unexpected argument '" + args[i] + "'");
                err.println("usage: sentinel (run|test) [-c FILE] | sentinel plugins");
                return EXIT_USAGE;
            }
        }
        PluginRegistry plugins = loadPlugins();
        for (String problem : plugins.problems()) {
            err.println("sentinel: " + problem);
        }
        SentinelConfig config;
        try {
            config = file == null ? ConfigLoader.loadEmbeddedDefault() : ConfigLoader.load(file, plugins);
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                err.println(error);
            }
            err.println("sentinel: configuration " + (file == null ? ConfigLoader.EMBEDDED_NAME : file)
                    + " is invalid (" + e.errors().size() + " error" + (e.errors().size() == 1 ? "" : "s") + ")");
            return EXIT_INVALID_CONFIG;
        }
        if (args[0].equals("test")) {
            out.println("sentinel: configuration " + config.source() + " is valid: " + config.listeners().size()
                    + " listener(s), " + config.routes().size() + " route(s), " + config.upstreams().size()
                    + " upstream(s)");
            return EXIT_OK;
        }
        return serve(config, file, plugins, err);
    }

    /**
     * {@code worker-threads N}: N carrier threads run all request work, the virtual-thread scheduler's
     * parallelism (the JDK's default, kept for 0, is one per core). The JDK reads it when the first virtual
     * thread starts, which has not happened yet; {@code -D} of the same property in JAVA_OPTS wins.
     */
    private static void sizeCarrierThreads(int workerThreads) {
        if (workerThreads > 0 && System.getProperty(CARRIER_PARALLELISM) == null) {
            System.setProperty(CARRIER_PARALLELISM, Integer.toString(workerThreads));
        }
    }

    private static PluginRegistry loadPlugins() {
        String home = System.getProperty("sentinel.home");
        return PluginRegistry.load(home == null ? null : Path.of(home, "plugins"));
    }

    /** One line per type: kind, type, where it comes from, what it does, and its other names. */
    private static int listPlugins(PluginRegistry plugins, PrintStream out, PrintStream err) {
        int typeWidth = plugins.installed().stream().mapToInt(i -> i.type().length()).max().orElse(0);
        int sourceWidth = plugins.installed().stream().mapToInt(i -> i.source().length()).max().orElse(0);
        for (Installed installed : plugins.installed()) {
            List<String> aliases = installed.provider().aliases().stream().sorted().toList();
            String also = aliases.isEmpty() ? "" : " (also " + String.join(", ", aliases) + ")";
            out.println(String.format("%-14s %-" + typeWidth + "s  %-" + sourceWidth + "s  %s%s",
                    installed.kind().name(), installed.type(), installed.source(), installed.provider().description(),
                    also).stripTrailing());
        }
        for (String problem : plugins.problems()) {
            err.println("sentinel: " + problem);
        }
        return plugins.problems().isEmpty() ? EXIT_OK : EXIT_INVALID_CONFIG;
    }

    private static int serve(SentinelConfig config, Path file, PluginRegistry plugins, PrintStream err)
            throws Exception {
        sizeCarrierThreads(config.system().workerThreads());
        SentinelServer server = new SentinelServer(config, file, plugins);
        try {
            server.start();
        } catch (Exception e) {
            err.println("sentinel: failed to start: " + e.getMessage());
            server.stop();
            return EXIT_START_FAILED;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        SignalHandler stop = signal -> {
            if (!stopping.compareAndSet(false, true)) {
                err.println("sentinel: second SIG" + signal.getName() + ", exiting without waiting for requests in flight");
                Runtime.getRuntime().halt(EXIT_FORCED);
            }
            Thread.ofPlatform().name("sentinel-stop").start(() -> {
                try {
                    server.stop();
                } catch (Exception e) {
                    err.println("sentinel: error while stopping: " + e.getMessage());
                } finally {
                    stopped.countDown();
                }
            });
        };
        Signal.handle(new Signal("TERM"), stop);
        Signal.handle(new Signal("INT"), stop);
        Signal.handle(new Signal("HUP"), signal -> Thread.ofVirtual().start(server::reload));
        stopped.await();
        return EXIT_OK;
    }
}

package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Dist;
import dev.sentinel.tests.support.Dist.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/sentinel.sh test}: a valid config's one-line summary, and every error of an invalid one at its file:line:col. */
class ConfigCheckTest {
    @TempDir
    Path tmp;

    /** The two required blocks, for configs that test something further down. */
    private static final String HEAD = """
            system { worker-threads 1 }
            listeners { listener "main" { address "127.0.0.1:18080" } }
            """;

    @Test
    void testAcceptsAValidConfigWithAOneLineSummary() throws Exception {
        Path file = write("valid.kdl", HEAD + """
                routes {
                    route "api" { matches { path-prefix "/api" }; upstream "be" }
                    route "health" { matches { path "/health" }; builtin-handler "health" }
                }
                upstreams { upstream "be" { target "127.0.0.1:18081" } }
                """);
        Result result = Dist.run("test", "-c", file.toString());
        assertEquals(0, result.exitCode(), result.output());
        assertEquals("sentinel: configuration " + file + " is valid: 1 listener(s), 2 route(s), 1 upstream(s)",
                result.output().strip());
    }

    @Test
    void testReportsASyntaxErrorAtItsLineAndColumn() throws Exception {
        Path file = write("syntax.kdl", "system {\n    worker-threads 1\n    security-headers true\n}\n");
        String error = refused(file, 1).getFirst();
        assertTrue(error.startsWith(file + ":3:22: "), error);
        assertTrue(error.contains("#true"), "the message suggests the KDL v2 keyword: " + error);
    }

    @Test
    void testNamesAnUnknownKeyWithItsLineAndTheAcceptedKeys() throws Exception {
        Path file = write("unknown.kdl", """
                system { worker-threads 1 }
                listeners {
                    listener "main" {
                        address "127.0.0.1:18080"
                        protcol "http"
                    }
                }
                """);
        String error = refused(file, 1).getFirst();
        assertTrue(error.startsWith(file + ":5:9: unknown key 'protcol' in listener \"main\"; accepted keys: "), error);
        List<String> accepted = List.of(error.substring(error.indexOf("accepted keys: ") + 15).split(", "));
        assertTrue(accepted.containsAll(List.of("address", "protocol", "tls", "default-route")), error);
    }

    @Test
    void testNamesAMistypedUpstreamAndListsTheDefinedOnes() throws Exception {
        Path file = write("typo.kdl", HEAD + """
                routes {
                    route "api" {
                        matches { path-prefix "/api" }
                        upstream "backnd"
                    }
                }
                upstreams {
                    upstream "backend" { target "127.0.0.1:18081" }
                    upstream "other" { target "127.0.0.1:18082" }
                }
                """);
        String error = refused(file, 1).getFirst();
        assertTrue(error.startsWith(file + ":6:9: ") && error.contains("'backnd'"), error);
        assertTrue(error.contains("defined: backend, other"), error);
    }

    @Test
    void testReportsEveryErrorOfAFileTogether() throws Exception {
        Path file = write("several.kdl", """
                system { worker-threads 1 }
                listeners { listener "main" { address "127.0.0.1:18080"; colour "blue" } }
                routes { route "api" { matches { path-prefix "/api" }; upstream "nowhere" } }
                upstreams { upstream "be" { target "127.0.0.1:18081"; retries 3 } }
                """);
        List<String> errors = refused(file, 3);
        assertTrue(errors.get(0).startsWith(file + ":2:58: unknown key 'colour' in listener \"main\""), errors.get(0));
        assertTrue(errors.get(1).startsWith(file + ":3:56: route 'api' names upstream 'nowhere'"), errors.get(1));
        assertTrue(errors.get(2).startsWith(file + ":4:55: unknown key 'retries' in upstream \"be\""), errors.get(2));
    }

    @Test
    void testSaysAZentinelKeyIsNotSupportedYetRatherThanUnknown() throws Exception {
        Path file = write("connection-pool.kdl", HEAD + """
                upstreams {
                    upstream "be" {
                        target "127.0.0.1:18081"
                        connection-pool { max-connections 5 }
                    }
                }
                """);
        assertEquals(List.of(file + ":6:9: 'connection-pool' in upstream \"be\" is not supported yet by Sentinel"),
                refused(file, 1));
    }

    @Test
    void testTellsAPlannedLoadBalancerFromAnUnknownOne() throws Exception {
        String template = HEAD + "upstreams { upstream \"be\" { target \"127.0.0.1:18081\"; load-balancing \"%s\" } }\n";
        for (String planned : List.of("least_tokens_queued", "locality-aware", "deterministic-subset")) {
            Path file = write("lb-" + planned + ".kdl", template.formatted(planned));
            String error = refused(file, 1).getFirst();
            assertTrue(error.startsWith(file + ":3:") && error.endsWith("load-balancing \"" + planned
                    + "\" is not supported yet by Sentinel"), error);
        }
        Path unknown = write("lb-unknown.kdl", template.formatted("fastest-please"));
        String error = refused(unknown, 1).getFirst();
        assertTrue(error.startsWith(unknown + ":3:"), error);
        assertTrue(error.contains("load-balancing \"fastest-please\" is unknown; available: ") && error.contains("round_robin"),
                error);
        for (String supported : List.of("round_robin", "round-robin", "least-connections", "ip-hash", "weighted-round-robin")) {
            Result ok = Dist.run("test", "-c", write("lb-ok-" + supported + ".kdl", template.formatted(supported)).toString());
            assertEquals(0, ok.exitCode(), ok.output());
        }
    }

    @Test
    void testReportsAPlannedBuiltinHandlerOnlyAsNotSupportedYet() throws Exception {
        Path file = write("builtin.kdl", HEAD
                + "routes { route \"purge\" { matches { path-prefix \"/_cache\" }; builtin-handler \"cache-purge\" } }\n");
        String error = refused(file, 1).getFirst();
        assertTrue(error.endsWith("builtin-handler \"cache-purge\" is not supported yet by Sentinel"), error);
    }

    @Test
    void testAcceptsBothSpellingsOfTheHeaderSizeLimit() throws Exception {
        for (String key : List.of("max-header-size", "max-header-size-bytes")) {
            Path file = write(key + ".kdl", HEAD + "limits { " + key + " 16384 }\n");
            Result result = Dist.run("test", "-c", file.toString());
            assertEquals(0, result.exitCode(), key + ":\n" + result.output());
        }
    }

    @Test
    void testRefusesAMissingFile() throws Exception {
        Path missing = tmp.resolve("does-not-exist.kdl");
        Result result = Dist.run("test", "-c", missing.toString());
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains(missing + ":") && result.output().contains("no such file"), result.output());
    }

    @Test
    void testAcceptsTheShippedDefaultConfig() throws Exception {
        Result result = Dist.run("test");
        assertEquals(0, result.exitCode(), result.output());
        assertEquals("sentinel: configuration " + Dist.home().resolve("etc/sentinel.kdl")
                + " is valid: 2 listener(s), 3 route(s), 0 upstream(s)", result.output().strip());
    }

    private Path write(String name, String kdl) throws IOException {
        return Files.writeString(tmp.resolve(name), kdl);
    }

    /**
     * Runs {@code test -c file}: exit 1, then exactly {@code errors} lines {@code FILE:LINE:COL: message} and the
     * summary line, nothing else. Returns the error lines.
     */
    private static List<String> refused(Path file, int errors) throws IOException, InterruptedException {
        Result result = Dist.run("test", "-c", file.toString());
        assertEquals(1, result.exitCode(), result.output());
        List<String> lines = result.output().strip().lines().toList();
        assertEquals(errors + 1, lines.size(), result.output());
        Predicate<String> located = Pattern.compile("^" + Pattern.quote(file.toString()) + ":\\d+:\\d+: \\S.*")
                .asMatchPredicate();
        for (String line : lines.subList(0, errors)) {
            assertTrue(located.test(line), "not file:line:col: message: " + line);
        }
        assertEquals("sentinel: configuration " + file + " is invalid (" + errors + " error" + (errors == 1 ? "" : "s") + ")",
                lines.getLast());
        return lines.subList(0, errors);
    }
}

package dev.sentinel.server.config.kdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conformance suite of the KDL specification (see kdl-test-cases/README.md): every input named
 * *_fail must be refused, every other one must print canonically as its expected_kdl file.
 */
class KdlConformanceTest {
    private static final String ROOT = "kdl-test-cases/";

    static List<String> cases() throws IOException, URISyntaxException {
        return list("input");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conforms(String name) throws Exception {
        String input = read("input/" + name);
        if (name.endsWith("_fail.kdl")) {
            assertThrows(KdlSyntaxException.class, () -> KdlParser.parse(input, name));
            return;
        }
        String expected = read("expected_kdl/" + name);
        if (expected.endsWith("\n")) {
            expected = expected.substring(0, expected.length() - 1);
        }
        assertEquals(expected, KdlCanonicalPrinter.print(KdlParser.parse(input, name)));
    }

    /** Guards against a suite that silently shrank: every passing case needs its expected output. */
    @Test
    void everyInputThatMustParseHasAnExpectedOutput() throws Exception {
        List<String> inputs = list("input");
        List<String> expected = list("expected_kdl");
        assertFalse(inputs.isEmpty());
        assertEquals(inputs.stream().filter(n -> !n.endsWith("_fail.kdl")).toList(), expected);
        assertTrue(inputs.stream().anyMatch(n -> n.endsWith("_fail.kdl")));
    }

    private static List<String> list(String dir) throws IOException, URISyntaxException {
        URL url = KdlConformanceTest.class.getClassLoader().getResource(ROOT + dir);
        assertNotNull(url, ROOT + dir + " is missing from the test classpath");
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".kdl")).sorted().toList();
        }
    }

    private static String read(String path) throws IOException {
        try (InputStream in = KdlConformanceTest.class.getClassLoader().getResourceAsStream(ROOT + path)) {
            assertNotNull(in, ROOT + path + " is missing from the test classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

package dev.sentinel.server.config.kdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** What the configuration layer relies on: structure, value kinds, and exact locations. */
class KdlParserTest {

    private static List<KdlNode> parse(String source) throws KdlSyntaxException {
        return KdlParser.parse(source, "f.kdl");
    }

    private static KdlNode single(String source) throws KdlSyntaxException {
        List<KdlNode> nodes = parse(source);
        assertEquals(1, nodes.size());
        return nodes.getFirst();
    }

    private static KdlSyntaxException failure(String source) {
        return assertThrows(KdlSyntaxException.class, () -> parse(source));
    }

    @Test
    void parsesARealisticConfigurationSnippet() throws Exception {
        List<KdlNode> nodes = parse("""
                // upstream pool
                upstreams {
                    upstream "backend" {
                        target "127.0.0.1:8081" weight=1
                        target "127.0.0.1:8082" weight=2 /- backup=#true
                        health-check {
                            interval-secs 10
                            enabled #true
                        }
                    }
                }
                """);
        KdlNode upstream = nodes.getFirst().children().getFirst();
        assertEquals("upstream", upstream.name());
        assertEquals(new KdlValue.Str("backend", null, new KdlLocation("f.kdl", 3, 14)), upstream.arguments().getFirst());

        KdlNode target = upstream.children().get(1);
        assertEquals("target", target.name());
        assertEquals(new KdlLocation("f.kdl", 5, 9), target.location());
        assertEquals("127.0.0.1:8082", ((KdlValue.Str) target.arguments().getFirst()).value());
        KdlValue.Num weight = assertInstanceOf(KdlValue.Num.class, target.properties().get("weight"));
        assertEquals(new BigDecimal(2), weight.value());
        assertTrue(weight.integer());
        assertEquals(new KdlLocation("f.kdl", 5, 40), weight.location());
        assertEquals(List.of("weight"), List.copyOf(target.properties().keySet()));

        KdlNode healthCheck = upstream.children().get(2);
        assertEquals(List.of("interval-secs", "enabled"), healthCheck.children().stream().map(KdlNode::name).toList());
        assertEquals(new KdlValue.Bool(true, null, new KdlLocation("f.kdl", 8, 21)),
                healthCheck.children().get(1).arguments().getFirst());
    }

    @Test
    void separatesArgumentsFromProperties() throws Exception {
        KdlNode node = single("node a key=1 b \"quoted key\" = x c=#null key=2");
        assertEquals(List.of("a", "b"), node.arguments().stream().map(v -> ((KdlValue.Str) v).value()).toList());
        // The rightmost duplicate wins but keeps the place of the first.
        assertEquals(List.of("key", "quoted key", "c"), List.copyOf(node.properties().keySet()));
        assertEquals(new BigDecimal(2), ((KdlValue.Num) node.properties().get("key")).value());
        assertEquals(new KdlLocation("f.kdl", 1, 45), node.properties().get("key").location());
        assertInstanceOf(KdlValue.Str.class, node.properties().get("quoted key"));
    }

    @Test
    void exposesUnmodifiableCollections() throws Exception {
        KdlNode node = single("node 1 a=2 { child }");
        assertThrows(UnsupportedOperationException.class, () -> node.arguments().clear());
        assertThrows(UnsupportedOperationException.class, () -> node.properties().clear());
        assertThrows(UnsupportedOperationException.class, () -> node.children().clear());
    }

    @Test
    void readsKeywords() throws Exception {
        KdlNode node = single("node #true #false #null #inf #-inf #nan");
        assertEquals(List.of(
                new KdlValue.Bool(true, null, new KdlLocation("f.kdl", 1, 6)),
                new KdlValue.Bool(false, null, new KdlLocation("f.kdl", 1, 12)),
                new KdlValue.Null(null, new KdlLocation("f.kdl", 1, 19)),
                new KdlValue.Keyword("inf", null, new KdlLocation("f.kdl", 1, 25)),
                new KdlValue.Keyword("-inf", null, new KdlLocation("f.kdl", 1, 30)),
                new KdlValue.Keyword("nan", null, new KdlLocation("f.kdl", 1, 36))), node.arguments());
    }

    @Test
    void refusesBareKeywords() {
        assertEquals("f.kdl:1:11: 'true' cannot be a bare word: write #true for the keyword or \"true\" for the string",
                failure("node flag=true").getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "0x1F       | 31      | true",
        "0o17       | 15      | true",
        "0b101      | 5       | true",
        "-0x10      | -16     | true",
        "1_000      | 1000    | true",
        "+42        | 42      | true",
        "1.5e3      | 1.5E+3  | false",
        "1.5        | 1.5     | false",
        "1e-2       | 1E-2    | false",
        "-1_0.2_5   | -10.25  | false",
    })
    void readsNumbers(String literal, String value, boolean integer) throws Exception {
        KdlValue.Num number = assertInstanceOf(KdlValue.Num.class, single("n " + literal).arguments().getFirst());
        assertEquals(new BigDecimal(value), number.value());
        assertEquals(integer, number.integer());
    }

    @Test
    void readsStringForms() throws Exception {
        KdlNode node = single("""
                node plain "tab\\t\\u{1F600}" #"C:\\path "quoted""# ##"a"#b"## ""\"
                    first
                      second
                    ""\" #""\"
                    raw \\n
                    ""\"#
                """);
        assertEquals(List.of("plain", "tab\t\uD83D\uDE00", "C:\\path \"quoted\"", "a\"#b", "first\n  second", "raw \\n"),
                node.arguments().stream().map(v -> ((KdlValue.Str) v).value()).toList());
    }

    @Test
    void readsTypeAnnotations() throws Exception {
        KdlNode node = single("(listener)node (u16)8080 timeout=(duration)\"5s\"");
        assertEquals("listener", node.type());
        assertEquals(new KdlLocation("f.kdl", 1, 1), node.location());
        assertEquals("u16", node.arguments().getFirst().type());
        // A value's location is where its annotation starts.
        assertEquals(new KdlLocation("f.kdl", 1, 16), node.arguments().getFirst().location());
        assertEquals(new KdlValue.Str("5s", "duration", new KdlLocation("f.kdl", 1, 34)), node.properties().get("timeout"));
        assertNull(single("plain").type());
    }

    @Test
    void slashdashRemovesNodesArgumentsPropertiesAndChildren() throws Exception {
        List<KdlNode> nodes = parse("""
                /- gone {
                    child
                }
                kept 1 /- 2 /- key=3 3 /- {
                    dropped
                }
                parent {
                    /- gone
                    child
                }
                """);
        assertEquals(List.of("kept", "parent"), nodes.stream().map(KdlNode::name).toList());
        KdlNode kept = nodes.getFirst();
        assertEquals(List.of(BigDecimal.ONE, new BigDecimal(3)),
                kept.arguments().stream().map(v -> ((KdlValue.Num) v).value()).toList());
        assertTrue(kept.properties().isEmpty());
        assertTrue(kept.children().isEmpty());
        assertEquals(List.of("child"), nodes.get(1).children().stream().map(KdlNode::name).toList());
    }

    @Test
    void tracksLinesAndColumnsInCodePoints() throws Exception {
        List<KdlNode> nodes = parse("\uFEFFfirst\r\n\t😀 x\rlast \\\n  arg");
        assertEquals(new KdlLocation("f.kdl", 1, 1), nodes.get(0).location());
        assertEquals(new KdlLocation("f.kdl", 2, 2), nodes.get(1).location());
        assertEquals(new KdlLocation("f.kdl", 2, 4), nodes.get(1).arguments().getFirst().location());
        assertEquals(new KdlLocation("f.kdl", 3, 1), nodes.get(2).location());
        assertEquals(new KdlLocation("f.kdl", 4, 3), nodes.get(2).arguments().getFirst().location());
    }

    @Test
    void reportsErrorsWithTheirExactLocation() {
        KdlSyntaxException unterminated = failure("a\nb {\n    key \"oops\n}\n");
        assertEquals("f.kdl:3:9: unterminated string", unterminated.getMessage());
        assertEquals(new KdlLocation("f.kdl", 3, 9), unterminated.location());
        assertEquals("unterminated string", unterminated.reason());
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                arguments("node\n}", "f.kdl:2:1: unexpected '}'"),
                arguments("node key=", "f.kdl:1:10: expected a value after '='"),
                arguments("node \"a\\qb\"", "f.kdl:1:8: invalid escape \\q"),
                arguments("node {\n  child", "f.kdl:1:6: unclosed '{': expected '}' before the end of the file"),
                arguments("node /* open", "f.kdl:1:6: unterminated block comment"),
                arguments("node 10px", "f.kdl:1:8: unexpected 'p' in number"),
                arguments("node \"a\"\"b\"", "f.kdl:1:9: expected whitespace before '\"'"),
                arguments("node { a } b", "f.kdl:1:12: expected ';' or a newline after the children block, found 'b'"),
                arguments("node #yes", "f.kdl:1:6: unknown keyword #yes"),
                arguments("(t)", "f.kdl:1:4: expected a node name after the type annotation, found end of file"),
                arguments("node (t)k=1", "f.kdl:1:6: a property key cannot have a type annotation"),
                arguments("node \\ x", "f.kdl:1:6: a line continuation '\\' must be followed by a newline, found 'x'"),
                arguments("node 1 /-", "f.kdl:1:8: '/-' must be followed by the argument, property or children block"
                        + " it comments out"),
                arguments("node \"\\u{D800}\"", "f.kdl:1:7: invalid escape \\u{D800}: not a Unicode scalar value"),
                arguments("node \"\"\"\n  a\n b\n  \"\"\"",
                        "f.kdl:3:2: a line of a multi-line string must start with the same whitespace as its closing line"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("errors")
    void explainsErrors(String source, String message) {
        assertEquals(message, failure(source).getMessage());
    }

    @Test
    void refusesDisallowedCodePointsEvenInComments() {
        assertEquals("f.kdl:2:4: character U+202E (RIGHT-TO-LEFT OVERRIDE) is not allowed in a KDL document",
                failure("a\n// \u202E\n").getMessage());
    }

    @Test
    void boundsNesting() throws Exception {
        assertEquals(1, parse("a{".repeat(256) + "}".repeat(256)).size());
        assertEquals("f.kdl:1:514: children blocks nested more than 256 levels deep",
                failure("a{".repeat(257) + "}".repeat(257)).getMessage());
    }

    @Test
    void acceptsEmptyDocuments() throws Exception {
        assertTrue(parse("").isEmpty());
        assertFalse(parse("// only a comment\n/- gone\n").iterator().hasNext());
    }
}

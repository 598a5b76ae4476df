package dev.sentinel.server.config.kdl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Parses KDL v2 documents.
 *
 * <p>A recursive-descent parser that follows the productions of the KDL 2 grammar directly on the
 * code points of the document, so that nodes, values and errors all know their line and column.
 */
public final class KdlParser {
    /** Blocks recurse, so a bound keeps hostile nesting a syntax error rather than a StackOverflowError. */
    private static final int MAX_DEPTH = 256;

    private final KdlSource src;
    private int depth;

    private KdlParser(KdlSource src) {
        this.src = src;
    }

    /** Parses a whole document; returns its top-level nodes (slashdash-ed ones removed). */
    public static List<KdlNode> parse(String source, String fileName) throws KdlSyntaxException {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(fileName, "fileName");
        return new KdlParser(new KdlSource(source, fileName)).nodes(-1);
    }

    /** A node's argument (key == null) or property. */
    private record Entry(String key, KdlValue value) {}

    /**
     * nodes: the document when {@code openBrace} is -1, otherwise the inside of the children block
     * opened there, read up to (not including) its '}'.
     */
    private List<KdlNode> nodes(int openBrace) throws KdlSyntaxException {
        boolean inBlock = openBrace >= 0;
        List<KdlNode> nodes = new ArrayList<>();
        while (true) {
            src.skipLineSpace();
            int c = src.peek();
            if (c == KdlSource.EOF) {
                if (inBlock) {
                    throw src.error(openBrace, "unclosed '{': expected '}' before the end of the file");
                }
                return nodes;
            }
            if (c == '}') {
                if (inBlock) {
                    return nodes;
                }
                throw src.error(src.pos, "unexpected '}'");
            }
            if (src.lookingAt("/-")) {
                int slashdash = skipSlashdash();
                if (src.peek() == '}' || src.peek() == KdlSource.EOF) {
                    throw src.error(slashdash, "'/-' must be followed by the node it comments out");
                }
                node(inBlock);
            } else {
                nodes.add(node(inBlock));
            }
        }
    }

    private KdlNode node(boolean inBlock) throws KdlSyntaxException {
        int start = src.pos;
        String type = null;
        if (src.peek() == '(') {
            type = typeAnnotation();
            src.skipNodeSpace();
        }
        if (!KdlStrings.atString(src)) {
            throw src.error(src.pos, "expected a node name" + (type == null ? "" : " after the type annotation")
                    + ", found " + KdlChars.describe(src.peek()));
        }
        String name = KdlStrings.read(src);
        List<KdlValue> arguments = new ArrayList<>();
        Map<String, KdlValue> properties = new LinkedHashMap<>();
        List<KdlNode> children = List.of();
        // Entries must precede every children block, and only slashdashed blocks may follow the real one.
        boolean sawBlock = false;
        boolean sawChildren = false;
        while (true) {
            boolean spaced = src.skipNodeSpace();
            if (atNodeEnd()) {
                break;
            }
            int at = src.pos;
            int c = src.peek();
            if (src.lookingAt("/-")) {
                skipSlashdash();
                if (src.peek() == '{') {
                    block();
                    sawBlock = true;
                } else if (!atValueStart()) {
                    throw src.error(at, "'/-' must be followed by the argument, property or children block"
                            + " it comments out");
                } else if (sawBlock) {
                    throw src.error(at, "arguments and properties must come before the children block");
                } else {
                    entry();
                }
            } else if (c == '{') {
                if (sawChildren) {
                    throw src.error(at, "a node can have only one children block");
                }
                children = block();
                sawBlock = true;
                sawChildren = true;
            } else if (sawBlock) {
                throw src.error(at, "expected ';' or a newline after the children block, found "
                        + KdlChars.describe(c));
            } else if (!atValueStart()) {
                throw src.error(at, "unexpected " + KdlChars.describe(c));
            } else if (!spaced) {
                throw src.error(at, "expected whitespace before " + KdlChars.describe(c));
            } else {
                Entry entry = entry();
                if (entry.key() == null) {
                    arguments.add(entry.value());
                } else {
                    properties.put(entry.key(), entry.value());
                }
            }
        }
        endNode(inBlock);
        return new KdlNode(name, type, arguments, properties, children, src.location(start));
    }

    /** Skips '/-' and the line-space after it; returns where the '/-' stood. */
    private int skipSlashdash() throws KdlSyntaxException {
        int at = src.pos;
        src.pos += 2;
        src.skipLineSpace();
        return at;
    }

    private boolean atNodeEnd() {
        int c = src.peek();
        return c == KdlSource.EOF || c == ';' || c == '}' || src.newlineLength(src.pos) > 0 || src.lookingAt("//");
    }

    /** node-terminator, or the '}' of the enclosing block, which is left for {@link #block}. */
    private void endNode(boolean inBlock) throws KdlSyntaxException {
        int c = src.peek();
        if (c == ';') {
            src.pos++;
        } else if (c == '}' && !inBlock) {
            throw src.error(src.pos, "unexpected '}'");
        } else if (!src.skipNewline()) {
            // Left: a single-line comment, which ends with its own newline, or the end of the file or block.
            src.skipLineComment();
        }
    }

    private List<KdlNode> block() throws KdlSyntaxException {
        int open = src.pos++;
        if (++depth > MAX_DEPTH) {
            throw src.error(open, "children blocks nested more than " + MAX_DEPTH + " levels deep");
        }
        List<KdlNode> children = nodes(open);
        src.pos++;
        depth--;
        return children;
    }

    /** Whether a value, or a property key, can start here; what it is exactly is for the reader to decide. */
    private boolean atValueStart() {
        int c = src.peek();
        return c == '(' || c == '"' || c == '#' || KdlChars.isIdentifierChar(c);
    }

    private Entry entry() throws KdlSyntaxException {
        int at = src.pos;
        if (src.peek() == '(') {
            KdlValue value = value();
            if (src.peek() == '=') {
                throw src.error(at, "a property key cannot have a type annotation");
            }
            return new Entry(null, value);
        }
        if (!KdlStrings.atString(src)) {
            return new Entry(null, value());
        }
        String text = KdlStrings.read(src);
        int afterText = src.pos;
        src.skipNodeSpace();
        if (src.peek() == '=') {
            src.pos++;
            src.skipNodeSpace();
            if (!atValueStart()) {
                throw src.error(src.pos, "expected a value after '='");
            }
            return new Entry(text, value());
        }
        // Not a property key after all: the space belongs to whatever follows the argument.
        src.pos = afterText;
        return new Entry(null, new KdlValue.Str(text, null, src.location(at)));
    }

    private KdlValue value() throws KdlSyntaxException {
        KdlLocation location = src.location(src.pos);
        String type = null;
        if (src.peek() == '(') {
            type = typeAnnotation();
            src.skipNodeSpace();
            if (!atValueStart() || src.peek() == '(') {
                throw src.error(src.pos, "expected a value after the type annotation, found "
                        + KdlChars.describe(src.peek()));
            }
        }
        if (src.peek() == '#' && !KdlStrings.atRawString(src)) {
            return keyword(type, location);
        }
        if (KdlNumbers.atNumber(src)) {
            return KdlNumbers.read(src, type, location);
        }
        return new KdlValue.Str(KdlStrings.read(src), type, location);
    }

    private KdlValue keyword(String type, KdlLocation location) throws KdlSyntaxException {
        int hash = src.pos++;
        while (KdlChars.isIdentifierChar(src.peek())) {
            src.pos++;
        }
        String word = src.slice(hash + 1, src.pos);
        return switch (word) {
            case "true" -> new KdlValue.Bool(true, type, location);
            case "false" -> new KdlValue.Bool(false, type, location);
            case "null" -> new KdlValue.Null(type, location);
            case "inf", "-inf", "nan" -> new KdlValue.Keyword(word, type, location);
            default -> throw src.error(hash, word.isEmpty() ? "unexpected '#'" : "unknown keyword #" + word);
        };
    }

    private String typeAnnotation() throws KdlSyntaxException {
        src.pos++;
        src.skipNodeSpace();
        if (!KdlStrings.atString(src)) {
            throw src.error(src.pos, "expected a type name after '(', found " + KdlChars.describe(src.peek()));
        }
        String type = KdlStrings.read(src);
        src.skipNodeSpace();
        if (src.peek() != ')') {
            throw src.error(src.pos, "expected ')' after the type name, found " + KdlChars.describe(src.peek()));
        }
        src.pos++;
        return type;
    }
}

package dev.sentinel.server.config.kdl;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/** The string productions: identifier strings, and quoted and raw strings in single- and multi-line form. */
final class KdlStrings {
    private static final String TRIPLE_QUOTE = "\"\"\"";
    /** Bare words that would read as keywords: the spec makes them errors rather than strings. */
    private static final Set<String> RESERVED = Set.of("true", "false", "null", "inf", "-inf", "nan");
    /** What {@link #readEscape} returns for escaped whitespace, which stands for nothing. */
    private static final int NOTHING = -1;

    private KdlStrings() {
    }

    /** Whether a string (of any form) starts at the read position. */
    static boolean atString(KdlSource src) {
        int c = src.peek();
        return c == '"' || atRawString(src) || (KdlChars.isIdentifierChar(c) && !KdlNumbers.atNumber(src));
    }

    /** Whether '#'s followed by '"' (a raw string, not a keyword) start at the read position. */
    static boolean atRawString(KdlSource src) {
        int i = src.pos;
        while (src.at(i) == '#') {
            i++;
        }
        return i > src.pos && src.at(i) == '"';
    }

    /** Reads the string that {@link #atString} has found at the read position and returns its value. */
    static String read(KdlSource src) throws KdlSyntaxException {
        if (src.peek() == '#') {
            return readRaw(src);
        }
        if (src.lookingAt(TRIPLE_QUOTE)) {
            return readMultiLine(src);
        }
        if (src.peek() == '"') {
            return readQuoted(src);
        }
        return readIdentifier(src);
    }

    private static String readIdentifier(KdlSource src) throws KdlSyntaxException {
        int start = src.pos;
        while (KdlChars.isIdentifierChar(src.peek())) {
            src.pos++;
        }
        String word = src.slice(start, src.pos);
        if (RESERVED.contains(word)) {
            throw src.error(start, "'" + word + "' cannot be a bare word: write #" + word
                    + " for the keyword or \"" + word + "\" for the string");
        }
        return word;
    }

    private static String readQuoted(KdlSource src) throws KdlSyntaxException {
        int open = src.pos++;
        StringBuilder value = new StringBuilder();
        while (true) {
            int c = src.peek();
            if (c == '"') {
                src.pos++;
                return value.toString();
            }
            if (c == KdlSource.EOF || src.newlineLength(src.pos) > 0) {
                throw src.error(open, "unterminated string");
            }
            if (c == '\\') {
                int escaped = readEscape(src, open);
                if (escaped != NOTHING) {
                    value.appendCodePoint(escaped);
                }
            } else {
                value.appendCodePoint(c);
                src.pos++;
            }
        }
    }

    private static String readMultiLine(KdlSource src) throws KdlSyntaxException {
        int open = src.pos;
        src.pos += TRIPLE_QUOTE.length();
        requireNewlineAfterOpening(src);
        List<Line> lines = new ArrayList<>();
        lines.add(new Line(src.pos));
        while (!src.lookingAt(TRIPLE_QUOTE)) {
            int c = src.peek();
            if (c == KdlSource.EOF) {
                throw src.error(open, "unterminated multi-line string");
            }
            if (src.skipNewline()) {
                lines.add(new Line(src.pos));
            } else if (c == '\\') {
                int escaped = readEscape(src, open);
                if (escaped != NOTHING) {
                    lines.getLast().appendEscaped(escaped);
                }
            } else {
                lines.getLast().appendLiteral(c);
                src.pos++;
            }
        }
        int close = src.pos;
        src.pos += TRIPLE_QUOTE.length();
        return dedent(src, lines, close);
    }

    private static String readRaw(KdlSource src) throws KdlSyntaxException {
        int open = src.pos;
        while (src.peek() == '#') {
            src.pos++;
        }
        String closing = '"' + "#".repeat(src.pos - open);
        if (src.lookingAt(TRIPLE_QUOTE)) {
            return readRawMultiLine(src, open, "\"\"" + closing);
        }
        src.pos++;
        int start = src.pos;
        while (!src.lookingAt(closing)) {
            if (src.peek() == KdlSource.EOF || src.newlineLength(src.pos) > 0) {
                throw src.error(open, "unterminated raw string: expected " + closing + " before the end of the line");
            }
            src.pos++;
        }
        String value = src.slice(start, src.pos);
        src.pos += closing.length();
        return value;
    }

    private static String readRawMultiLine(KdlSource src, int open, String closing) throws KdlSyntaxException {
        src.pos += TRIPLE_QUOTE.length();
        requireNewlineAfterOpening(src);
        List<Line> lines = new ArrayList<>();
        lines.add(new Line(src.pos));
        // The first closing delimiter ends the string: raw strings cannot escape it.
        while (!src.lookingAt(closing)) {
            if (src.peek() == KdlSource.EOF) {
                throw src.error(open, "unterminated multi-line raw string: expected " + closing);
            }
            if (src.skipNewline()) {
                lines.add(new Line(src.pos));
            } else {
                lines.getLast().appendLiteral(src.peek());
                src.pos++;
            }
        }
        int close = src.pos;
        src.pos += closing.length();
        return dedent(src, lines, close);
    }

    private static void requireNewlineAfterOpening(KdlSource src) throws KdlSyntaxException {
        if (!src.skipNewline()) {
            throw src.error(src.pos, "a multi-line string must start with a newline right after its opening \"\"\"");
        }
    }

    /**
     * Applies the multi-line rules once whitespace escapes are resolved: the last line holds only the
     * indentation that every other non-blank line must start with and that is removed from them.
     */
    private static String dedent(KdlSource src, List<Line> lines, int close) throws KdlSyntaxException {
        Line last = lines.removeLast();
        if (!last.isBlank()) {
            throw src.error(close, "the closing \"\"\" of a multi-line string must be on its own line");
        }
        String indent = last.text.toString();
        StringJoiner value = new StringJoiner("\n");
        for (Line line : lines) {
            if (line.isBlank()) {
                value.add("");
            } else if (line.literalLength() >= indent.length() && line.text.indexOf(indent) == 0) {
                value.add(line.text.substring(indent.length()));
            } else {
                throw src.error(line.start + line.matchingCodePoints(indent),
                        "a line of a multi-line string must start with the same whitespace as its closing line");
            }
        }
        return value.toString();
    }

    /**
     * Reads a backslash escape inside a quoted string and returns the code point it stands for,
     * or {@link #NOTHING} for escaped whitespace.
     */
    private static int readEscape(KdlSource src, int open) throws KdlSyntaxException {
        int backslash = src.pos++;
        int c = src.peek();
        if (KdlChars.isUnicodeSpace(c) || src.newlineLength(src.pos) > 0) {
            while (KdlChars.isUnicodeSpace(src.peek()) || src.newlineLength(src.pos) > 0) {
                src.pos += Math.max(src.newlineLength(src.pos), 1);
            }
            return NOTHING;
        }
        src.pos++;
        return switch (c) {
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case '\\' -> '\\';
            case '"' -> '"';
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 's' -> ' ';
            case 'u' -> readUnicodeEscape(src, backslash);
            case KdlSource.EOF -> throw src.error(open, "unterminated string");
            default -> throw src.error(backslash, "invalid escape \\" + Character.toString(c));
        };
    }

    /** The rest of a \\u{...} escape, after the 'u'. */
    private static int readUnicodeEscape(KdlSource src, int backslash) throws KdlSyntaxException {
        if (src.peek() != '{') {
            throw src.error(backslash, "invalid escape \\u: write \\u{...} with 1 to 6 hex digits");
        }
        int start = ++src.pos;
        while (KdlChars.hexValue(src.peek()) >= 0) {
            src.pos++;
        }
        int digits = src.pos - start;
        if (src.peek() != '}' || digits == 0 || digits > 6) {
            throw src.error(backslash, "invalid escape: \\u{...} needs 1 to 6 hex digits");
        }
        String hex = src.slice(start, src.pos);
        src.pos++;
        int codePoint = Integer.parseInt(hex, 16);
        if (codePoint > Character.MAX_CODE_POINT || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
            throw src.error(backslash, "invalid escape \\u{" + hex + "}: not a Unicode scalar value");
        }
        return codePoint;
    }

    /** One line of a multi-line string, knowing which of its leading characters were written literally. */
    private static final class Line {
        final int start;
        final StringBuilder text = new StringBuilder();
        /** Length of the text before the first escape, or -1 while there is none. */
        private int literalLength = -1;

        Line(int start) {
            this.start = start;
        }

        void appendLiteral(int c) {
            text.appendCodePoint(c);
        }

        /** Escaped characters never count as indentation, even an escaped space. */
        void appendEscaped(int c) {
            if (literalLength < 0) {
                literalLength = text.length();
            }
            text.appendCodePoint(c);
        }

        int literalLength() {
            return literalLength < 0 ? text.length() : literalLength;
        }

        boolean isBlank() {
            return literalLength() == text.length() && text.codePoints().allMatch(KdlChars::isUnicodeSpace);
        }

        /** How many leading characters this line shares with {@code indent}, all spaces and so single code points. */
        int matchingCodePoints(String indent) {
            int n = 0;
            int limit = Math.min(literalLength(), indent.length());
            while (n < limit && text.charAt(n) == indent.charAt(n)) {
                n++;
            }
            return n;
        }
    }
}

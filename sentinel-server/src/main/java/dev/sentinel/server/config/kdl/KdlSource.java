package dev.sentinel.server.config.kdl;

import java.util.Arrays;

/**
 * The document as code points with a read position, line/column bookkeeping and the whitespace and
 * comment productions that every other production shares.
 */
final class KdlSource {
    static final int EOF = -1;

    private final String file;
    private final int[] text;
    private int[] lineStarts = new int[64];
    private int lineCount;
    /** The read position: an index into the code points. */
    int pos;

    KdlSource(String source, String file) throws KdlSyntaxException {
        this.file = file;
        this.text = source.codePoints().toArray();
        // A leading BOM is not part of the document, so columns on line 1 start after it.
        this.pos = text.length > 0 && text[0] == KdlChars.BOM ? 1 : 0;
        indexLines();
        rejectDisallowedCodePoints();
    }

    private void indexLines() {
        addLineStart(pos);
        for (int i = pos; i < text.length; ) {
            int newline = newlineLength(i);
            i += Math.max(newline, 1);
            if (newline > 0) {
                addLineStart(i);
            }
        }
    }

    private void addLineStart(int index) {
        if (lineCount == lineStarts.length) {
            lineStarts = Arrays.copyOf(lineStarts, lineCount * 2);
        }
        lineStarts[lineCount++] = index;
    }

    private void rejectDisallowedCodePoints() throws KdlSyntaxException {
        for (int i = pos; i < text.length; i++) {
            int c = text[i];
            if (KdlChars.isDisallowed(c)) {
                String name = Character.getName(c);
                throw error(i, String.format("character U+%04X%s is not allowed in a KDL document%s", c,
                        name == null ? "" : " (" + name + ")",
                        c == KdlChars.BOM ? " except as its first character" : ""));
            }
        }
    }

    KdlLocation location(int index) {
        int line = Arrays.binarySearch(lineStarts, 0, lineCount, index);
        if (line < 0) {
            line = Math.max(-line - 2, 0);
        }
        return new KdlLocation(file, line + 1, index - lineStarts[line] + 1);
    }

    KdlSyntaxException error(int index, String message) {
        return new KdlSyntaxException(location(index), message);
    }

    /** The code point at {@code index}, or {@link #EOF} past the end. */
    int at(int index) {
        return index < text.length ? text[index] : EOF;
    }

    int peek() {
        return at(pos);
    }

    int peek(int ahead) {
        return at(pos + ahead);
    }

    /** Whether the ASCII text {@code s} stands at the read position. */
    boolean lookingAt(String s) {
        if (pos + s.length() > text.length) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (text[pos + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    String slice(int from, int to) {
        return new String(text, from, to - from);
    }

    /** How many code points the newline at {@code index} spans: 2 for CR LF, 1 for the others, 0 if none. */
    int newlineLength(int index) {
        int c = at(index);
        if (c == '\r' && at(index + 1) == '\n') {
            return 2;
        }
        return KdlChars.isNewline(c) ? 1 : 0;
    }

    boolean skipNewline() {
        int length = newlineLength(pos);
        pos += length;
        return length > 0;
    }

    /** ws: unicode spaces and block comments. Returns whether anything was skipped. */
    boolean skipWs() throws KdlSyntaxException {
        int start = pos;
        while (true) {
            if (KdlChars.isUnicodeSpace(peek())) {
                pos++;
            } else if (lookingAt("/*")) {
                skipBlockComment();
            } else {
                return pos > start;
            }
        }
    }

    /** node-space: ws and line continuations, the space allowed inside a node. Returns whether anything was skipped. */
    boolean skipNodeSpace() throws KdlSyntaxException {
        int start = pos;
        while (true) {
            skipWs();
            if (!skipLineContinuation()) {
                return pos > start;
            }
        }
    }

    /** line-space: node-space, newlines and single-line comments, the space allowed between nodes. */
    void skipLineSpace() throws KdlSyntaxException {
        while (true) {
            skipNodeSpace();
            if (!skipNewline() && !skipLineComment()) {
                return;
            }
        }
    }

    /** A single-line comment up to and including its newline, if one starts here. */
    boolean skipLineComment() {
        if (!lookingAt("//")) {
            return false;
        }
        while (peek() != EOF && !skipNewline()) {
            pos++;
        }
        return true;
    }

    private void skipBlockComment() throws KdlSyntaxException {
        int open = pos;
        pos += 2;
        // Block comments nest, so count openers against closers.
        int depth = 1;
        while (depth > 0) {
            if (pos >= text.length) {
                throw error(open, "unterminated block comment");
            }
            if (lookingAt("/*")) {
                depth++;
                pos += 2;
            } else if (lookingAt("*/")) {
                depth--;
                pos += 2;
            } else {
                pos++;
            }
        }
    }

    /** escline: '\' then ws and a newline, a single-line comment or the end of the file. */
    private boolean skipLineContinuation() throws KdlSyntaxException {
        if (peek() != '\\') {
            return false;
        }
        int backslash = pos++;
        skipWs();
        if (!skipNewline() && !skipLineComment() && peek() != EOF) {
            throw error(backslash, "a line continuation '\\' must be followed by a newline, found "
                    + KdlChars.describe(peek()));
        }
        return true;
    }
}

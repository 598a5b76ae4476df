package dev.sentinel.server.config.kdl;

/** Code point classes of the KDL v2 grammar. */
final class KdlChars {
    static final int BOM = 0xFEFF;

    private KdlChars() {
    }

    /** unicode-space: White_Space code points that are not newlines. */
    static boolean isUnicodeSpace(int c) {
        return c == 0x09 || c == 0x20 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    /** newline, except that CR LF counts as one: see {@link KdlSource#newlineLength}. */
    static boolean isNewline(int c) {
        return c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x85 || c == 0x2028 || c == 0x2029;
    }

    /** Code points that may not appear literally anywhere (a BOM is tolerated as the very first one). */
    static boolean isDisallowed(int c) {
        return c <= 0x08 || (c >= 0x0E && c <= 0x1F) || c == 0x7F
                || (c >= 0xD800 && c <= 0xDFFF)
                || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)
                || c == BOM;
    }

    /** identifier-char; false for {@link KdlSource#EOF}. */
    static boolean isIdentifierChar(int c) {
        return c >= 0 && !isUnicodeSpace(c) && !isNewline(c) && !isDisallowed(c) && "\\/(){};[]\"#=".indexOf(c) < 0;
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** The value of an ASCII hexadecimal digit, or -1; Character.digit would also accept non-ASCII digits. */
    static int hexValue(int c) {
        if (isDigit(c)) {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** How to name a code point in an error message. */
    static String describe(int c) {
        if (c == KdlSource.EOF) {
            return "end of file";
        }
        if (isNewline(c)) {
            return "end of line";
        }
        if (isUnicodeSpace(c) || Character.isISOControl(c)) {
            return String.format("U+%04X", c);
        }
        return "'" + Character.toString(c) + "'";
    }
}

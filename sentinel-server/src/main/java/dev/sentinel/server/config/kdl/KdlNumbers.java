package dev.sentinel.server.config.kdl;

import java.math.BigDecimal;
import java.math.BigInteger;

/** Number literals: decimals with optional fraction and exponent, and 0x/0o/0b integers, all allowing '_'. */
final class KdlNumbers {
    private final KdlSource src;
    /** End of the literal: the number is checked against the whole run of identifier characters. */
    private final int end;
    private int i;
    /** The literal without '_' separators and radix prefix, as BigDecimal/BigInteger read it. */
    private final StringBuilder digits = new StringBuilder();

    private KdlNumbers(KdlSource src, int end) {
        this.src = src;
        this.end = end;
        this.i = src.pos;
    }

    /**
     * Whether a number starts at the read position: a digit, optionally after a sign. A '.' before a
     * digit counts too, so that ".5" is refused as a number lacking its integer digit, as the spec
     * requires, instead of being read as an identifier.
     */
    static boolean atNumber(KdlSource src) {
        int c = src.peek();
        boolean signed = c == '+' || c == '-';
        int first = signed ? src.peek(1) : c;
        int second = signed ? src.peek(2) : src.peek(1);
        return KdlChars.isDigit(first) || (first == '.' && KdlChars.isDigit(second));
    }

    /** Reads the number that {@link #atNumber} has found at the read position. */
    static KdlValue.Num read(KdlSource src, String type, KdlLocation location) throws KdlSyntaxException {
        int end = src.pos;
        while (KdlChars.isIdentifierChar(src.at(end))) {
            end++;
        }
        KdlValue.Num number = new KdlNumbers(src, end).parse(type, location);
        src.pos = end;
        return number;
    }

    private KdlValue.Num parse(String type, KdlLocation location) throws KdlSyntaxException {
        int start = i;
        boolean negative = current() == '-';
        if (negative || current() == '+') {
            i++;
        }
        int radix = current() == '0' ? radixOf(src.at(i + 1)) : 10;
        if (radix != 10) {
            String prefix = "0" + Character.toString(src.at(i + 1));
            i += 2;
            String name = radix == 16 ? "hexadecimal" : radix == 8 ? "octal" : "binary";
            readDigits(radix, "expected a " + name + " digit after '" + prefix + "'");
            requireEnd(name + " number");
            BigInteger value = new BigInteger(digits.toString(), radix);
            return new KdlValue.Num(new BigDecimal(negative ? value.negate() : value), true, type, location);
        }
        if (current() == '.') {
            throw src.error(i, "a number needs a digit before '.'");
        }
        if (negative) {
            digits.append('-');
        }
        readDigits(10, "expected a digit");
        boolean integer = true;
        if (current() == '.') {
            integer = false;
            digits.append('.');
            i++;
            readDigits(10, "expected a digit after '.'");
        }
        if (current() == 'e' || current() == 'E') {
            integer = false;
            digits.append('E');
            i++;
            if (current() == '+' || current() == '-') {
                digits.appendCodePoint(current());
                i++;
            }
            readDigits(10, "expected a digit in the exponent");
        }
        requireEnd("number");
        try {
            return new KdlValue.Num(new BigDecimal(digits.toString()), integer, type, location);
        } catch (NumberFormatException e) {
            // The digits are valid by now, so only an exponent beyond BigDecimal's int scale gets here.
            throw src.error(start, "number out of range: " + src.slice(start, end));
        }
    }

    private static int radixOf(int marker) {
        return switch (marker) {
            case 'x' -> 16;
            case 'o' -> 8;
            case 'b' -> 2;
            default -> 10;
        };
    }

    private int current() {
        return i < end ? src.at(i) : KdlSource.EOF;
    }

    /** Digits with '_' allowed between and after them, but not before the first. */
    private void readDigits(int radix, String missing) throws KdlSyntaxException {
        if (!isDigit(current(), radix)) {
            throw src.error(i, missing + ", found " + KdlChars.describe(src.at(i)));
        }
        while (current() == '_' || isDigit(current(), radix)) {
            if (current() != '_') {
                digits.appendCodePoint(current());
            }
            i++;
        }
    }

    private static boolean isDigit(int c, int radix) {
        int value = KdlChars.hexValue(c);
        return value >= 0 && value < radix;
    }

    private void requireEnd(String what) throws KdlSyntaxException {
        if (i < end) {
            throw src.error(i, "unexpected " + KdlChars.describe(current()) + " in " + what);
        }
    }
}

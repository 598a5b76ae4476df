package dev.sentinel.server.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a message's {@code Transfer-Encoding} field values (RFC 9112 §6.1) the one way Sentinel trusts: a
 * single, final {@code chunked}, and nothing a parser elsewhere could read differently.
 */
public enum TransferCoding {
    /** Exactly one coding, {@code chunked}: the only transfer coding Sentinel accepts. */
    CHUNKED,
    /**
     * The list cannot be read without guessing: an empty element ({@code ,chunked}), a character outside a
     * token, whitespace other than space and tab, {@code chunked} twice, not last, missing, or with
     * parameters. RFC 9112 §6.3 makes a request whose final coding is not {@code chunked} a 400; empty
     * elements, which RFC 9110 §5.6.1 says to skip, are refused too, because parsers differ on them and that
     * difference is how requests are smuggled.
     */
    MALFORMED,
    /** Well formed and ending in {@code chunked}, but with another coding first (RFC 9112 §6.1: 501). */
    UNSUPPORTED;

    private static final String CHUNKED_NAME = "chunked";
    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

    /** The verdict on every {@code Transfer-Encoding} field value of one message, in order. */
    public static TransferCoding of(List<String> fieldValues) {
        List<String> codings = new ArrayList<>();
        for (String value : fieldValues) {
            for (String element : value.split(",", -1)) {
                String coding = trimOws(element);
                if (coding.isEmpty() || !isToken(coding)) {
                    // Parameters (";q=1") and other whitespace (a vertical tab) fall here too: chunked takes
                    // no parameters, and no other coding is supported.
                    return MALFORMED;
                }
                codings.add(coding.toLowerCase(Locale.ROOT));
            }
        }
        int chunked = codings.indexOf(CHUNKED_NAME);
        if (chunked < 0 || chunked != codings.size() - 1 || chunked != codings.lastIndexOf(CHUNKED_NAME)) {
            return MALFORMED;
        }
        return codings.size() == 1 ? CHUNKED : UNSUPPORTED;
    }

    /** The element without surrounding optional whitespace, which is spaces and tabs only. */
    private static String trimOws(String element) {
        int start = 0;
        int end = element.length();
        while (start < end && isOws(element.charAt(start))) {
            start++;
        }
        while (end > start && isOws(element.charAt(end - 1))) {
            end--;
        }
        return element.substring(start, end);
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean tchar = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || TCHAR_SYMBOLS.indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }
}

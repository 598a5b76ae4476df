package dev.sentinel.server.config.kdl;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Prints nodes in the canonical form of the KDL conformance suite: no comments, 4-space indents,
 * properties sorted by key, strings bare when they can be, numbers in their simplest decimal form.
 */
final class KdlCanonicalPrinter {
    private static final Set<String> RESERVED = Set.of("true", "false", "null", "inf", "-inf", "nan");

    private KdlCanonicalPrinter() {
    }

    /** The nodes one per line, without a trailing newline. */
    static String print(List<KdlNode> nodes) {
        StringBuilder out = new StringBuilder();
        printNodes(nodes, "", out);
        return out.toString();
    }

    private static void printNodes(List<KdlNode> nodes, String indent, StringBuilder out) {
        for (KdlNode node : nodes) {
            if (!out.isEmpty()) {
                out.append('\n');
            }
            out.append(indent).append(annotation(node.type())).append(string(node.name()));
            node.arguments().forEach(value -> out.append(' ').append(value(value)));
            Map<String, KdlValue> sorted = new TreeMap<>(node.properties());
            sorted.forEach((key, value) -> out.append(' ').append(string(key)).append('=').append(value(value)));
            // An empty children block means the same as none, and the suite prints none.
            if (!node.children().isEmpty()) {
                out.append(" {");
                printNodes(node.children(), indent + "    ", out);
                out.append('\n').append(indent).append('}');
            }
        }
    }

    private static String annotation(String type) {
        return type == null ? "" : "(" + string(type) + ")";
    }

    private static String value(KdlValue value) {
        String text = switch (value) {
            case KdlValue.Str s -> string(s.value());
            // BigDecimal's own notation is the suite's: 1.0E+10, 1.23E-1000, 15.7.
            case KdlValue.Num n -> n.integer() ? n.value().toPlainString() : n.value().toString();
            case KdlValue.Keyword k -> "#" + k.name();
            case KdlValue.Bool b -> b.value() ? "#true" : "#false";
            case KdlValue.Null ignored -> "#null";
        };
        return annotation(value.type()) + text;
    }

    private static String string(String s) {
        return isBareIdentifier(s) ? s : quoted(s);
    }

    private static boolean isBareIdentifier(String s) {
        if (s.isEmpty() || RESERVED.contains(s) || !s.codePoints().allMatch(KdlChars::isIdentifierChar)) {
            return false;
        }
        int start = s.charAt(0) == '+' || s.charAt(0) == '-' ? 1 : 0;
        if (start < s.length() && s.charAt(start) == '.') {
            start++;
        }
        return start >= s.length() || !KdlChars.isDigit(s.charAt(start));
    }

    private static String quoted(String s) {
        StringBuilder out = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (KdlChars.isDisallowed(c) || KdlChars.isNewline(c)) {
                        out.append("\\u{").append(Integer.toHexString(c)).append('}');
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.append('"').toString();
    }
}

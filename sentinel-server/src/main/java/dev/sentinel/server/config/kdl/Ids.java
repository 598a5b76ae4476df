package dev.sentinel.server.config.kdl;

/** The id argument of named nodes such as {@code route "api" { }}. */
final class Ids {
    private Ids() {
    }

    /** The node's first argument as a non-empty string, or {@code null} after reporting. */
    static String of(Block parent, KdlNode node, String kind) {
        if (!node.arguments().isEmpty() && node.arguments().getFirst() instanceof KdlValue.Str s
                && !s.value().isBlank()) {
            return s.value();
        }
        parent.diagnostics().error(node.location(), kind + " needs a name, e.g. " + kind + " \"main\" { ... }");
        return null;
    }
}

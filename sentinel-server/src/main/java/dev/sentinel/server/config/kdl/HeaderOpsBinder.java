package dev.sentinel.server.config.kdl;

import dev.sentinel.server.config.PoliciesConfig.HeaderOps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code request-headers { rename { } set { } add { } remove "A" "B" }}. */
final class HeaderOpsBinder {

    private HeaderOpsBinder() {
    }

    static HeaderOps bind(Block b) {
        b.expectShape(0);
        Map<String, String> rename = pairs(b, b.child("rename"), true);
        Map<String, String> set = pairs(b, b.child("set"), false);
        Map<String, String> add = pairs(b, b.child("add"), false);
        List<String> remove = new ArrayList<>();
        KdlNode removeNode = b.child("remove");
        b.finish();
        if (removeNode != null) {
            for (KdlValue value : removeNode.arguments()) {
                if (value instanceof KdlValue.Str s && HttpTokens.isToken(s.value())) {
                    remove.add(s.value());
                } else {
                    b.diagnostics().error(value.location(), "'remove' takes header names");
                }
            }
        }
        return new HeaderOps(rename, set, add, remove);
    }

    /** Children of the form {@code "Header-Name" "value"}: the node name is the header. */
    private static Map<String, String> pairs(Block b, KdlNode block, boolean valueIsName) {
        Map<String, String> out = new LinkedHashMap<>();
        if (block == null) {
            return out;
        }
        for (KdlNode entry : block.children()) {
            String value = b.string(entry);
            if (!HttpTokens.isToken(entry.name())) {
                b.diagnostics().error(entry.location(), "not a valid header name: \"" + entry.name() + "\"");
            } else if (value != null && valueIsName && !HttpTokens.isToken(value)) {
                b.diagnostics().error(entry.location(), "not a valid header name: \"" + value + "\"");
            } else if (value != null && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf(0) >= 0)) {
                b.diagnostics().error(entry.location(), "header value must not contain CR, LF or NUL");
            } else if (value != null) {
                out.put(entry.name(), value);
            }
        }
        return out;
    }
}

package dev.sentinel.server.config.kdl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A node. properties: rightmost duplicate wins, iteration in order of first appearance. Lists are unmodifiable. */
public record KdlNode(String name, String type, List<KdlValue> arguments,
                      Map<String, KdlValue> properties, List<KdlNode> children,
                      KdlLocation location) {

    public KdlNode {
        arguments = List.copyOf(arguments);
        // Map.copyOf would lose the order of first appearance that callers iterate in.
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        children = List.copyOf(children);
    }
}

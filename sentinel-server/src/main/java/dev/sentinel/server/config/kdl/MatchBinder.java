package dev.sentinel.server.config.kdl;

import dev.sentinel.server.config.MatchConfig;
import dev.sentinel.server.config.MatchConfig.HeaderMatch;
import dev.sentinel.server.config.MatchConfig.QueryParamMatch;
import dev.sentinel.server.routing.HostPattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** A route's {@code matches { }} block. */
final class MatchBinder {
    static final MatchConfig EMPTY = new MatchConfig(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(),
            List.of());


    private MatchBinder() {
    }

    static MatchConfig bind(Block b) {
        b.expectShape(0);
        List<String> paths = new ArrayList<>();
        for (KdlNode node : b.children("path")) {
            addPath(b, node, paths);
        }
        List<String> prefixes = new ArrayList<>();
        for (KdlNode node : b.children("path-prefix")) {
            addPath(b, node, prefixes);
        }
        List<Pattern> regexes = new ArrayList<>();
        for (KdlNode node : b.children("path-regex")) {
            Pattern p = regex(b, node);
            if (p != null) {
                regexes.add(p);
            }
        }
        List<String> hosts = new ArrayList<>();
        for (KdlNode node : b.children("host")) {
            String host = b.string(node);
            if (host == null) {
                continue;
            }
            try {
                HostPattern.of(host);
                hosts.add(host.toLowerCase(Locale.ROOT));
            } catch (PatternSyntaxException e) {
                b.diagnostics().error(node.arguments().getFirst().location(), "'host' is not a valid regex: "
                        + e.getDescription());
            }
        }
        List<HeaderMatch> headers = nameValue(b, "header", HeaderMatch::new);
        List<String> methods = new ArrayList<>();
        for (KdlNode node : b.children("method")) {
            for (KdlValue value : node.arguments()) {
                if (value instanceof KdlValue.Str s && HttpTokens.isToken(s.value())) {
                    methods.add(s.value().toUpperCase(Locale.ROOT));
                } else {
                    b.diagnostics().error(value.location(), "'method' takes method names such as \"GET\" \"POST\"");
                }
            }
            if (node.arguments().isEmpty() || !node.properties().isEmpty() || !node.children().isEmpty()) {
                b.diagnostics().error(node.location(), "'method' takes one or more method names");
            }
        }
        List<QueryParamMatch> queryParams = nameValue(b, "query-param", QueryParamMatch::new);
        b.finish();
        return new MatchConfig(paths, prefixes, regexes, hosts, headers, methods, queryParams);
    }

    private static void addPath(Block b, KdlNode node, List<String> into) {
        String path = b.string(node);
        if (path == null) {
            return;
        }
        if (!path.startsWith("/")) {
            b.diagnostics().error(node.arguments().getFirst().location(), "'" + node.name() + "' must start with '/'");
            return;
        }
        into.add(path);
    }

    private static Pattern regex(Block b, KdlNode node) {
        String text = b.string(node);
        if (text == null) {
            return null;
        }
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            b.diagnostics().error(node.arguments().getFirst().location(), "'" + node.name()
                    + "' is not a valid regex: " + e.getDescription());
            return null;
        }
    }

    /** {@code header "Name"} or {@code header "Name" "value"}. */
    private static <T> List<T> nameValue(Block b, String key, BiFunction<String, String, T> make) {
        List<T> out = new ArrayList<>();
        for (KdlNode node : b.children(key)) {
            List<KdlValue> args = node.arguments();
            boolean ok = !args.isEmpty() && args.size() <= 2 && node.properties().isEmpty() && node.children().isEmpty()
                    && args.stream().allMatch(v -> v instanceof KdlValue.Str);
            if (!ok) {
                b.diagnostics().error(node.location(), "'" + key + "' takes a name and an optional value, e.g. "
                        + key + " \"X-Name\" \"value\"");
                continue;
            }
            String name = ((KdlValue.Str) args.getFirst()).value();
            if (key.equals("header") && !HttpTokens.isToken(name)) {
                b.diagnostics().error(args.getFirst().location(), "not a valid header name: \"" + name + "\"");
                continue;
            }
            out.add(make.apply(name, args.size() == 2 ? ((KdlValue.Str) args.get(1)).value() : null));
        }
        return out;
    }
}

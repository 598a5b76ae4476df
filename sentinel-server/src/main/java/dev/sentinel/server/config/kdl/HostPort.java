package dev.sentinel.server.config.kdl;

/** A {@code "host:port"} or {@code "[v6]:port"} address as written in the config. */
record HostPort(String host, int port) {

    /** Parses the single string value of {@code node}; reports and returns {@code null} when malformed. */
    static HostPort parse(Block block, KdlNode node) {
        String text = block.string(node);
        if (text == null) {
            return null;
        }
        HostPort parsed = parse(text);
        if (parsed == null) {
            block.diagnostics().error(node.arguments().getFirst().location(), "'" + node.name()
                    + "' is not host:port: \"" + text + "\"");
        }
        return parsed;
    }

    static HostPort parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            return null;
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            return null;
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            return port >= 1 && port <= 65535 && !host.isEmpty() ? new HostPort(host, port) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

package dev.sentinel.server.log;

/** Builds one JSON object on one line; string values are escaped so a client can never break the line. */
public final class JsonLine {
    private final StringBuilder out = new StringBuilder(320).append('{');

    public JsonLine field(String name, String value) {
        if (value == null) {
            return this;
        }
        key(name).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
        return this;
    }

    public JsonLine field(String name, long value) {
        key(name).append(value);
        return this;
    }

    public JsonLine field(String name, double value) {
        key(name).append(value);
        return this;
    }

    public String end() {
        return out.append('}').toString();
    }

    private StringBuilder key(String name) {
        if (out.length() > 1) {
            out.append(',');
        }
        return out.append('"').append(name).append("\":");
    }
}

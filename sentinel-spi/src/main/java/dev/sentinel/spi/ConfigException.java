package dev.sentinel.spi;

/**
 * A plugin's configuration block is wrong. It carries where ({@code file:line:col}), which key (or
 * {@code null} for the block itself) and why, and is reported by {@code sentinel test} like any other
 * configuration error. Make one with {@link PluginConfig#invalid}, which fills in the location.
 */
public final class ConfigException extends Exception {
    private final String file;
    private final int line;
    private final int column;
    private final String key;
    private final String reason;

    /**
     * @param line   1-based line, or 0 when unknown
     * @param column 1-based column, or 0 when unknown
     * @param key    the offending key, or {@code null} for the block itself
     * @param reason what is wrong and what would be right, e.g. {@code "'max-failures' must be between 1 and 100"}
     */
    public ConfigException(String file, int line, int column, String key, String reason) {
        super(file + ":" + line + ":" + column + ": " + reason);
        this.file = file;
        this.line = line;
        this.column = column;
        this.key = key;
        this.reason = reason;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The offending key, or {@code null} when the block itself is wrong. */
    public String key() {
        return key;
    }

    /** The message without the location. */
    public String reason() {
        return reason;
    }
}

package dev.sentinel.server.config.kdl;

/** Where something stands in a source file; 1-based line and column (column counted in code points). */
public record KdlLocation(String file, int line, int column) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}

package dev.sentinel.server.config.kdl;

/** A syntax error: getMessage() is "file:line:col: message". */
public final class KdlSyntaxException extends Exception {
    private final KdlLocation location;
    private final String reason;

    public KdlSyntaxException(KdlLocation location, String message) {
        super(location + ": " + message);
        this.location = location;
        this.reason = message;
    }

    /** Where the offending character stands. */
    public KdlLocation location() {
        return location;
    }

    /** The message without the location prefix. */
    public String reason() {
        return reason;
    }
}

package dev.sentinel.server.limits;

import java.io.IOException;

/** A request body grew past its limit while streaming; the request becomes a 413 and its upstream leg is reset. */
public final class BodyLimitExceeded extends IOException {
    public BodyLimitExceeded(long limitBytes) {
        super("request body exceeds " + limitBytes + " bytes");
    }
}

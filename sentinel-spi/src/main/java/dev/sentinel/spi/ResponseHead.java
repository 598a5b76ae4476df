package dev.sentinel.spi;

import java.util.List;

/** A read-only view of a response's status and headers. Header names are case-insensitive. */
public interface ResponseHead {
    /** The status the client will get. */
    int status();

    /** The first value of the named response header, or {@code null}. */
    String header(String name);

    /** Every value of the named response header, in order; empty when absent. */
    List<String> headers(String name);
}

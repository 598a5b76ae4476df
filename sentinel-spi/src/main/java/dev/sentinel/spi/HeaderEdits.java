package dev.sentinel.spi;

/**
 * Header changes an {@link Agent} asks for, collected during one call and applied by the server only if
 * the call returned in time with {@link Decision#allow()}. Changes to the request reach the upstream;
 * changes to the response reach the client. The same rules as for filters apply: Sentinel's forwarding
 * headers, framing and hop-by-hop headers cannot be changed.
 */
public interface HeaderEdits {
    void setRequestHeader(String name, String value);

    void addRequestHeader(String name, String value);

    void removeRequestHeader(String name);

    void setResponseHeader(String name, String value);

    void addResponseHeader(String name, String value);

    void removeResponseHeader(String name);
}

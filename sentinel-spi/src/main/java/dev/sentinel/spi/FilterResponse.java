package dev.sentinel.spi;

/**
 * The response head as a {@link Filter} sees it in its response phase, before it is sent to the client.
 * Header names are case-insensitive. Framing headers ({@code Content-Length}, {@code Transfer-Encoding})
 * and hop-by-hop headers may not be changed.
 */
public interface FilterResponse extends ResponseHead {
    /** Changes the status (200–599). */
    void setStatus(int status);

    /** Replaces the named response header (all its values) with one value. */
    void setHeader(String name, String value);

    /** Adds a value to the named response header. */
    void addHeader(String name, String value);

    /** Removes every value of the named response header. */
    void removeHeader(String name);
}

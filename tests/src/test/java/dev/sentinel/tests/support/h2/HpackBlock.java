package dev.sentinel.tests.support.h2;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds an HPACK header block (RFC 7541) field by field, without Huffman coding, so that a test can send
 * exactly the fields it means, malformed ones included (uppercase names, connection-specific fields,
 * missing pseudo-headers), which a real encoder would fix or refuse.
 */
public final class HpackBlock {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A literal field that is not added to the decoder's dynamic table (§6.2.2, new name). */
    public HpackBlock literal(String name, String value) {
        out.write(0x00);
        string(name);
        string(value);
        return this;
    }

    /** A literal field the decoder adds to its dynamic table (§6.2.1, new name); it then has index 62. */
    public HpackBlock indexedLiteral(String name, String value) {
        out.write(0x40);
        string(name);
        string(value);
        return this;
    }

    /** A reference to a field of the static or dynamic table (§6.1). */
    public HpackBlock indexed(int index) {
        integer(0x80, 7, index);
        return this;
    }

    /** The four pseudo-headers of a request, in order. */
    public HpackBlock request(String method, String authority, String path) {
        return literal(":method", method).literal(":scheme", "http").literal(":authority", authority)
                .literal(":path", path);
    }

    public byte[] bytes() {
        return out.toByteArray();
    }

    private void string(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        integer(0x00, 7, bytes.length);
        out.writeBytes(bytes);
    }

    /** An integer with an N-bit prefix (§5.1); {@code high} holds the bits above the prefix. */
    private void integer(int high, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.write(high | value);
            return;
        }
        out.write(high | max);
        int rest = value - max;
        while (rest >= 0x80) {
            out.write((rest & 0x7f) | 0x80);
            rest >>>= 7;
        }
        out.write(rest);
    }
}

package dev.sentinel.balancers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Hash functions for the hashing balancers: stable across processes and JVM versions, unlike hashCode. */
final class Hashing {
    private static final MessageDigest MD5 = md5();

    private Hashing() {
    }

    /** 64-bit FNV-1a over the UTF-8 bytes, then MurmurHash3's finaliser so that every bit is mixed. */
    static long hash64(String text, long seed) {
        long h = 0xcbf29ce484222325L ^ seed;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** The MD5 digest of the UTF-8 bytes (ketama's point and key hash). */
    static byte[] md5(String text) {
        try {
            // A clone of a prototype is much cheaper than a provider lookup per call.
            MessageDigest digest = (MessageDigest) MD5.clone();
            return digest.digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's MD5 is cloneable", e);
        }
    }

    /** Four bytes from {@code offset}, little-endian, as an unsigned 32-bit value (ketama's layout). */
    static long unsigned32(byte[] digest, int offset) {
        return (digest[offset] & 0xffL) | (digest[offset + 1] & 0xffL) << 8
                | (digest[offset + 2] & 0xffL) << 16 | (digest[offset + 3] & 0xffL) << 24;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }
}

package dev.sentinel.balancers;

import dev.sentinel.spi.Target;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The sticky cookie: its attributes, and the opaque value that names a target. The value is the first
 * 16 bytes of {@code HMAC-SHA256(key, "host:port")}, base64url: it reveals nothing about the target's
 * address, cannot be forged or pointed at another target without the key, and stays valid when the
 * target list is reordered.
 */
final class StickyCookie {
    private static final int VALUE_BYTES = 16;

    private final String name;
    private final String attributes;
    private final byte[] key;

    /**
     * @param sameSite {@code Lax}, {@code Strict} or {@code None}
     */
    StickyCookie(String name, Duration ttl, String path, boolean secure, String sameSite, byte[] key) {
        this.name = name;
        this.attributes = "; Path=" + path + "; Max-Age=" + ttl.toSeconds() + "; HttpOnly"
                + (secure ? "; Secure" : "") + "; SameSite=" + sameSite;
        this.key = key.clone();
    }

    String name() {
        return name;
    }

    /** The {@code Set-Cookie} value that pins a client to the target with this cookie value. */
    String setCookie(String value) {
        return name + "=" + value + attributes;
    }

    /** Cookie value → target, and back, for one target list. */
    record Values(Map<String, Target> targets, Map<Target, String> values) {
    }

    Values values(List<Target> targets) {
        Map<String, Target> byValue = new HashMap<>();
        Map<Target, String> byTarget = new HashMap<>();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (Target target : targets) {
                byte[] digest = mac.doFinal(target.address().getBytes(StandardCharsets.UTF_8));
                String value = Base64.getUrlEncoder().withoutPadding().encodeToString(
                        Arrays.copyOf(digest, VALUE_BYTES));
                byValue.put(value, target);
                byTarget.put(target, value);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
        return new Values(Map.copyOf(byValue), Map.copyOf(byTarget));
    }

    /** {@code lax} → {@code Lax}; {@code null} when it is none of lax, strict, none. */
    static String sameSite(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "lax" -> "Lax";
            case "strict" -> "Strict";
            case "none" -> "None";
            default -> null;
        };
    }

    /** An RFC 6265 cookie name: a token. */
    static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** A cookie path: visible ASCII without {@code ;}, starting with {@code /}. */
    static boolean isPath(String text) {
        if (!text.startsWith("/")) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == ';') {
                return false;
            }
        }
        return true;
    }
}

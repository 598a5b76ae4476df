package dev.sentinel.server.config.kdl;

import dev.sentinel.server.config.SentinelConfig;
import dev.sentinel.server.plugin.PluginRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads a Zentinel-schema KDL file into a validated {@link SentinelConfig}, or refuses it with every
 * error as {@code file:line:col: message}. Plugin types ({@code load-balancing "NAME"}) are looked up in
 * a {@link PluginRegistry}; where none is given, in the built-ins only.
 */
public final class ConfigLoader {
    /** The name errors give for the embedded default. */
    public static final String EMBEDDED_NAME = "embedded:sentinel.kdl";
    private static final String EMBEDDED_RESOURCE = "/dev/sentinel/server/sentinel.kdl";

    private ConfigLoader() {
    }

    public static SentinelConfig load(Path file, PluginRegistry plugins) throws ConfigException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw fileError(file, "no such file");
        } catch (IOException e) {
            throw fileError(file, "cannot read: " + e.getMessage());
        }
        return parse(text, file.toString(), plugins);
    }

    /** The default that ships inside the server jar (the same text as {@code etc/sentinel.kdl}). */
    public static SentinelConfig loadEmbeddedDefault() throws ConfigException {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(EMBEDDED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("embedded default config missing from the jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), EMBEDDED_NAME, PluginRegistry.builtins());
        } catch (IOException e) {
            throw new IllegalStateException("embedded default config unreadable", e);
        }
    }

    public static SentinelConfig parse(String text, String fileName) throws ConfigException {
        return parse(text, fileName, PluginRegistry.builtins());
    }

    public static SentinelConfig parse(String text, String fileName, PluginRegistry plugins) throws ConfigException {
        List<KdlNode> document;
        try {
            document = KdlParser.parse(text, fileName);
        } catch (KdlSyntaxException e) {
            throw new ConfigException(List.of(new ConfigError(e.location(), e.reason())));
        }
        return new DocumentBinder(fileName, sha256(text), document, plugins).bind();
    }

    /** The {@link SentinelConfig#sha256()} a configuration read from {@code text} has. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static ConfigException fileError(Path file, String why) {
        return new ConfigException(List.of(new ConfigError(new KdlLocation(file.toString(), 0, 0), why)));
    }
}

package dev.sentinel.server.server;

/** Sentinel's version, from the server jar's manifest; {@code dev} when run from classes. */
final class Version {
    static final String CURRENT = current();

    private Version() {
    }

    private static String current() {
        String implementation = Version.class.getPackage().getImplementationVersion();
        return implementation == null ? "dev" : implementation;
    }
}

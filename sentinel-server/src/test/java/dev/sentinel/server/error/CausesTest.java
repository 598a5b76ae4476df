package dev.sentinel.server.error;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class CausesTest {
    @Test
    void aCauseIsFoundHoweverDeepItIsWrapped() {
        Throwable wrapped = new UncheckedIOException(new IOException(new EOFException("gone")));
        assertTrue(Causes.has(wrapped, EOFException.class));
        assertTrue(Causes.has(wrapped, IOException.class), "a subtype counts");
        assertFalse(Causes.has(wrapped, TimeoutException.class));
        assertFalse(Causes.has(null, IOException.class));
    }

    @Test
    void jettysAndTheJdksTimeoutsAreBothTimeouts() {
        assertTrue(Causes.isTimeout(new IOException(new TimeoutException("idle"))));
        assertTrue(Causes.isTimeout(new SocketTimeoutException("read")));
        assertFalse(Causes.isTimeout(new EOFException()));
    }
}

package dev.sentinel.server.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ClientFailuresTest {
    @Test
    void aBodyOverItsLimitIs413AlsoWhenWrapped() {
        assertEquals(413, ClientFailures.status(new BodyLimitExceeded(10)));
        assertEquals(413, ClientFailures.status(new IOException(new BodyLimitExceeded(10))));
    }

    @Test
    void aTimeoutIs408AlsoWhenWrapped() {
        assertEquals(408, ClientFailures.status(new TimeoutException("too slow")));
        assertEquals(408, ClientFailures.status(new IOException(new TimeoutException("too slow"))));
    }

    @Test
    void anythingElseIs400() {
        assertEquals(400, ClientFailures.status(new EOFException("client went away")));
        assertEquals(400, ClientFailures.status(new IOException("broken chunk")));
    }
}

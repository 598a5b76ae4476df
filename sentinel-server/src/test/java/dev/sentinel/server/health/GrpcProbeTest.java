package dev.sentinel.server.health;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The hand-encoded grpc.health.v1 messages. */
class GrpcProbeTest {
    @Test
    void requestForTheWholeServerIsAnEmptyMessage() {
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0}, GrpcProbe.frame(GrpcProbe.request("")));
    }

    @Test
    void requestNamesTheService() {
        byte[] name = "shop.Cart".getBytes(StandardCharsets.US_ASCII);
        byte[] frame = GrpcProbe.frame(GrpcProbe.request("shop.Cart"));
        assertEquals(5 + 2 + name.length, frame.length);
        assertArrayEquals(new byte[] {0, 0, 0, 0, (byte) (2 + name.length), 0x0A, (byte) name.length},
                java.util.Arrays.copyOf(frame, 7));
    }

    @Test
    void responseStatusIsRead() {
        assertEquals(1, GrpcProbe.servingStatus(new byte[] {0, 0, 0, 0, 2, 0x08, 0x01}));
        assertEquals(2, GrpcProbe.servingStatus(new byte[] {0, 0, 0, 0, 2, 0x08, 0x02}));
        assertEquals(0, GrpcProbe.servingStatus(new byte[] {0, 0, 0, 0, 0}), "absent field: UNKNOWN");
        assertEquals(1, GrpcProbe.servingStatus(new byte[] {0, 0, 0, 0, 5, 0x12, 0x01, 'x', 0x08, 0x01}),
                "unknown fields are skipped");
        assertEquals(-1, GrpcProbe.servingStatus(new byte[] {1, 0, 0, 0, 2, 0x08, 0x01}), "compressed");
        assertEquals(-1, GrpcProbe.servingStatus(new byte[] {0, 0, 0, 0, 9, 0x08}), "truncated");
    }
}

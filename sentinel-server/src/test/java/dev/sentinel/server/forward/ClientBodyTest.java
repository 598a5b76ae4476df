package dev.sentinel.server.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.content.AsyncContent;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

class ClientBodyTest {
    private static final HttpFields NO_HEADERS = HttpFields.EMPTY;

    @Test
    void http1HasABodyOnlyWhenALengthOrATransferEncodingFramesIt() {
        HttpFields typed = HttpFields.build().add("Content-Type", "application/json");
        HttpFields chunked = HttpFields.build().add("Transfer-Encoding", "chunked");
        assertNull(ClientBody.of(new AsyncContent(), -1, HttpVersion.HTTP_1_1, typed));
        assertNull(ClientBody.of(new AsyncContent(), 0, HttpVersion.HTTP_1_1, typed));
        assertNotNull(ClientBody.of(new AsyncContent(), 5, HttpVersion.HTTP_1_1, NO_HEADERS));
        assertNotNull(ClientBody.of(new AsyncContent(), -1, HttpVersion.HTTP_1_1, chunked));
    }

    @Test
    void http2StreamEndedByItsHeadersHasNoBody() {
        AsyncContent ended = new AsyncContent();
        ended.close();
        assertNull(ClientBody.of(ended, -1, HttpVersion.HTTP_2, NO_HEADERS));
    }

    @Test
    void http2BodyWithoutALengthIsForwardedFromItsFirstByte() {
        AsyncContent stream = new AsyncContent();
        stream.write(false, utf8("first"), Callback.NOOP);
        ClientBody body = ClientBody.of(stream, -1, HttpVersion.HTTP_2, NO_HEADERS);
        assertNotNull(body);
        AtomicBoolean demanded = new AtomicBoolean();
        body.demand(() -> demanded.set(true));
        assertTrue(demanded.get(), "the chunk read to decide is there to be read at once");
        Content.Chunk first = body.read();
        assertEquals("first", StandardCharsets.UTF_8.decode(first.getByteBuffer()).toString());
        first.release();
        stream.write(true, utf8("second"), Callback.NOOP);
        Content.Chunk second = body.read();
        assertEquals("second", StandardCharsets.UTF_8.decode(second.getByteBuffer()).toString());
        assertTrue(second.isLast());
        second.release();
    }

    @Test
    void http2BodyWhoseDataHasNotArrivedYetIsABody() {
        assertNotNull(ClientBody.of(new AsyncContent(), -1, HttpVersion.HTTP_2, NO_HEADERS));
    }

    @Test
    void theChunkReadToDecideIsReleasedWhenTheExchangeEndsWithoutSendingIt() {
        AsyncContent stream = new AsyncContent();
        CompletableFuture<Void> released = new CompletableFuture<>();
        stream.write(false, utf8("never sent"), Callback.from(released));
        ClientBody body = ClientBody.of(stream, -1, HttpVersion.HTTP_2, NO_HEADERS);
        CompletableFuture<Void> completed = new CompletableFuture<>();
        Callback completion = body.releasingUnsent(Callback.from(completed));
        assertFalse(released.isDone());
        completion.failed(new Exception("upstream refused"));
        assertTrue(released.isDone(), "released once the exchange ended");
        assertTrue(completed.isCompletedExceptionally());
    }

    @Test
    void theChunkReadToDecideIsReleasedOnceWhenTheExchangeSentIt() {
        AsyncContent stream = new AsyncContent();
        AtomicInteger releases = new AtomicInteger();
        stream.write(false, utf8("sent"), Callback.from(releases::incrementAndGet));
        ClientBody body = ClientBody.of(stream, -1, HttpVersion.HTTP_2, NO_HEADERS);
        Callback completion = body.releasingUnsent(Callback.NOOP);
        body.read().release();
        completion.succeeded();
        assertEquals(1, releases.get(), "released by whoever sent it, not again by the completion");
    }

    @Test
    void withNothingReadAheadTheCompletionIsLeftAsItIs() {
        ClientBody body = ClientBody.of(new AsyncContent(), 5, HttpVersion.HTTP_1_1, NO_HEADERS);
        assertSame(Callback.NOOP, body.releasingUnsent(Callback.NOOP));
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }
}

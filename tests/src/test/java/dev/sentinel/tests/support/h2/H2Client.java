package dev.sentinel.tests.support.h2;

import static dev.sentinel.tests.support.h2.H2Frame.ACK;
import static dev.sentinel.tests.support.h2.H2Frame.CONTINUATION;
import static dev.sentinel.tests.support.h2.H2Frame.DATA;
import static dev.sentinel.tests.support.h2.H2Frame.END_HEADERS;
import static dev.sentinel.tests.support.h2.H2Frame.END_STREAM;
import static dev.sentinel.tests.support.h2.H2Frame.GOAWAY;
import static dev.sentinel.tests.support.h2.H2Frame.HEADERS;
import static dev.sentinel.tests.support.h2.H2Frame.PING;
import static dev.sentinel.tests.support.h2.H2Frame.RST_STREAM;
import static dev.sentinel.tests.support.h2.H2Frame.SETTINGS;
import static dev.sentinel.tests.support.h2.H2Frame.SETTINGS_INITIAL_WINDOW_SIZE;
import static dev.sentinel.tests.support.h2.H2Frame.WINDOW_UPDATE;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http2.hpack.HpackDecoder;
import org.eclipse.jetty.http2.hpack.HpackException;

/**
 * A raw HTTP/2 client over cleartext TCP with prior knowledge (RFC 9113 §3.3), for sending what a real
 * client never would. It writes frames exactly as told; a reader thread records every frame the server
 * sends, decodes response header blocks with HPACK, and acknowledges SETTINGS and PING. Its receive windows
 * are opened wide at the start, so it never has to send WINDOW_UPDATE frames of its own.
 */
public final class H2Client implements AutoCloseable {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int WINDOW = 1 << 30;
    private static final int DEFAULT_WINDOW = 65_535;

    private final Socket socket;
    private final OutputStream out;
    private final String authority;
    /** Every frame received, in order; also the monitor that waiters wait on. */
    private final List<H2Frame> frames = new ArrayList<>();
    private boolean closed;
    private final HpackDecoder decoder = new HpackDecoder(1 << 20, System::nanoTime);
    private final ByteArrayOutputStream headerBlock = new ByteArrayOutputStream();
    private final AtomicLong pings = new AtomicLong();

    private H2Client(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        out = new BufferedOutputStream(socket.getOutputStream());
        authority = "127.0.0.1:" + port;
    }

    /**
     * Connects, sends the preface and a SETTINGS frame, and returns once the server's SETTINGS frame has been
     * acknowledged, so that the acknowledgement can never split a header block a test sends afterwards.
     */
    public static H2Client connect(int port) throws IOException, InterruptedException {
        H2Client client = new H2Client(port);
        synchronized (client.out) {
            client.out.write(PREFACE);
            client.frame(SETTINGS, 0, 0, ByteBuffer.allocate(6).putShort((short) SETTINGS_INITIAL_WINDOW_SIZE)
                    .putInt(WINDOW).array());
            client.frame(WINDOW_UPDATE, 0, 0, ByteBuffer.allocate(4).putInt(WINDOW - DEFAULT_WINDOW).array());
        }
        Thread.ofVirtual().name("h2-reader-" + port).start(client::read);
        client.awaitServerSettings(Duration.ofSeconds(10));
        return client;
    }

    /** One frame's bytes, for a burst of frames sent with a single {@link #write}. */
    public static byte[] encode(int type, int flags, int streamId, byte[] payload) {
        return ByteBuffer.allocate(9 + payload.length)
                .put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length)
                .put((byte) type).put((byte) flags).putInt(streamId & 0x7fffffff).put(payload).array();
    }

    /** Writes one frame; an {@link IOException} means the server has closed the connection. */
    public void frame(int type, int flags, int streamId, byte[] payload) throws IOException {
        write(encode(type, flags, streamId, payload));
    }

    /**
     * Writes bytes at once. Floods are sent as bursts a little larger than the limit they test, followed by
     * {@link #sync}, because a server that closes a socket with unread bytes in it resets the connection, and
     * the reset can destroy the GOAWAY it sent just before.
     */
    public void write(byte[] bytes) throws IOException {
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
    }

    /**
     * Sends a PING and waits for its acknowledgement, which the server sends only after processing everything
     * written before it. Returns {@code false} instead when the server sent GOAWAY or closed the connection.
     */
    public boolean sync(Duration timeout) throws InterruptedException {
        byte[] payload = ByteBuffer.allocate(8).putLong(pings.incrementAndGet()).array();
        try {
            frame(PING, 0, 0, payload);
        } catch (IOException writeFailed) {
            awaitClosed(timeout);
            return false;
        }
        Optional<H2Frame> answer = poll(f -> f.type() == GOAWAY
                || f.type() == PING && f.has(ACK) && Arrays.equals(f.payload(), payload), timeout);
        if (answer.isEmpty() && !isClosed()) {
            throw new AssertionError("no PING acknowledgement within " + timeout + "; received " + frames());
        }
        return answer.map(f -> f.type() == PING).orElse(false);
    }

    /** A header block starting with the request pseudo-headers for this connection's authority. */
    public HpackBlock request(String method, String path) {
        return new HpackBlock().request(method, authority, path);
    }

    /** One HEADERS frame carrying the whole block. */
    public void headers(int streamId, HpackBlock block, boolean endStream) throws IOException {
        frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), streamId, block.bytes());
    }

    /** A request: HEADERS ending the stream when {@code body} is {@code null}, else HEADERS then one DATA frame. */
    public void send(int streamId, HpackBlock block, String body) throws IOException {
        headers(streamId, block, body == null);
        if (body != null) {
            frame(DATA, END_STREAM, streamId, body.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /** A complete GET on a new stream. */
    public void get(int streamId, String path) throws IOException {
        headers(streamId, request("GET", path), true);
    }

    public void reset(int streamId, int errorCode) throws IOException {
        write(encodeReset(streamId, errorCode));
    }

    public static byte[] encodeReset(int streamId, int errorCode) {
        return encode(RST_STREAM, 0, streamId, ByteBuffer.allocate(4).putInt(errorCode).array());
    }

    /** The first received frame that matches, waiting up to {@code timeout}; empty if none came in time. */
    public Optional<H2Frame> poll(Predicate<H2Frame> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (frames) {
            while (true) {
                for (H2Frame frame : frames) {
                    if (condition.test(frame)) {
                        return Optional.of(frame);
                    }
                }
                long left = deadline - System.nanoTime();
                if (closed || left <= 0) {
                    return Optional.empty();
                }
                frames.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** The first received frame that matches; fails with everything received so far when none does in time. */
    public H2Frame await(String what, Predicate<H2Frame> condition, Duration timeout) throws InterruptedException {
        Optional<H2Frame> frame = poll(condition, timeout);
        if (frame.isEmpty()) {
            throw new AssertionError("no " + what + " within " + timeout + "; received " + frames()
                    + (isClosed() ? " then the connection closed" : ""));
        }
        return frame.get();
    }

    /** Fails if a matching frame arrives, or has arrived, within {@code window}, or the connection closes. */
    public void assertNone(String what, Predicate<H2Frame> condition, Duration window) throws InterruptedException {
        Optional<H2Frame> found = poll(condition, window);
        if (found.isPresent()) {
            throw new AssertionError("unexpected " + what + ": " + found.get());
        }
        if (isClosed()) {
            throw new AssertionError("the server closed the connection; received " + frames());
        }
    }

    /** The frame that closed stream {@code id}: a RST_STREAM, or HEADERS/DATA with END_STREAM. */
    public H2Frame awaitEnd(int streamId, Duration timeout) throws InterruptedException {
        return await("end of stream " + streamId, f -> f.ends(streamId), timeout);
    }

    /** The response status of stream {@code id}, once its response header block has arrived. */
    public int awaitStatus(int streamId, Duration timeout) throws InterruptedException {
        return await("response headers on stream " + streamId,
                f -> f.type() == HEADERS && f.streamId() == streamId && f.status() != null, timeout).status();
    }

    public H2Frame awaitGoAway(Duration timeout) throws InterruptedException {
        return await("GOAWAY", f -> f.type() == GOAWAY, timeout);
    }

    /** The server's first SETTINGS frame (not an acknowledgement). */
    public H2Frame awaitServerSettings(Duration timeout) throws InterruptedException {
        return await("server SETTINGS", f -> f.type() == SETTINGS && !f.has(ACK), timeout);
    }

    /** Waits until the server has closed the connection. */
    public void awaitClosed(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (frames) {
            while (!closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the server did not close the connection within " + timeout
                            + "; received " + frames);
                }
                frames.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    public boolean isClosed() {
        synchronized (frames) {
            return closed;
        }
    }

    /** Every frame received so far. */
    public List<H2Frame> frames() {
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private void read() {
        try (InputStream in = new BufferedInputStream(socket.getInputStream())) {
            byte[] header = new byte[9];
            while (in.readNBytes(header, 0, 9) == 9) {
                int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
                byte[] payload = in.readNBytes(length);
                if (payload.length < length) {
                    break;
                }
                received(header[3] & 0xff, header[4] & 0xff, ByteBuffer.wrap(header, 5, 4).getInt() & 0x7fffffff,
                        payload);
            }
        } catch (IOException e) {
            // A reset by the server ends the connection just as an orderly close does.
        } finally {
            synchronized (frames) {
                closed = true;
                frames.notifyAll();
            }
        }
    }

    private void received(int type, int flags, int streamId, byte[] payload) throws IOException {
        Integer status = null;
        if (type == HEADERS || type == CONTINUATION) {
            headerBlock.writeBytes(type == HEADERS ? fragment(flags, payload) : payload);
            if ((flags & END_HEADERS) != 0) {
                status = decode(headerBlock.toByteArray());
                headerBlock.reset();
            }
        }
        if ((type == SETTINGS || type == PING) && (flags & ACK) == 0) {
            frame(type, ACK, 0, type == PING ? payload : new byte[0]);
        }
        synchronized (frames) {
            frames.add(new H2Frame(type, flags, streamId, payload, status));
            frames.notifyAll();
        }
    }

    /** The header block fragment of a HEADERS payload, without padding and priority fields. */
    private static byte[] fragment(int flags, byte[] payload) {
        int padded = 0x8;
        int priority = 0x20;
        int start = (flags & padded) != 0 ? 1 : 0;
        int end = payload.length - ((flags & padded) != 0 ? payload[0] & 0xff : 0);
        start += (flags & priority) != 0 ? 5 : 0;
        return Arrays.copyOfRange(payload, start, end);
    }

    private Integer decode(byte[] block) throws IOException {
        try {
            return decoder.decode(ByteBuffer.wrap(block)) instanceof MetaData.Response response
                    ? response.getStatus() : null;
        } catch (HpackException.SessionException | HpackException.StreamException e) {
            throw new IOException("undecodable response header block", e);
        }
    }
}

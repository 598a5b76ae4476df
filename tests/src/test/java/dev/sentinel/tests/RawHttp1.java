package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1 connection on a plain socket: requests go out byte for byte as written, however malformed,
 * and responses are read without any client-side repair.
 */
final class RawHttp1 implements AutoCloseable {
    /** How long a read may wait: long enough for a slow CI machine, short enough to fail a hang. */
    private static final int READ_TIMEOUT_MS = 10_000;

    /**
     * A response as it arrived; header names keep their case, lookups ignore it. {@code complete} is false
     * when the connection ended before the body its framing announced.
     */
    record Response(String statusLine, int status, List<String[]> headers, byte[] body, boolean complete) {
        String header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst()
                    .orElse(null);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;

    private RawHttp1(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    /** Sends {@code request} verbatim on a fresh connection (it should say {@code Connection: close}), reads the answer. */
    static Response exchange(int port, String request) throws IOException {
        try (RawHttp1 raw = open(port)) {
            return raw.send(request).read();
        }
    }

    /** One {@code GET} on a fresh connection that the request asks to close. */
    static Response get(int port, String path) throws IOException {
        return exchange(port, "GET " + path + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    }

    /**
     * Sends {@code head}, a request head that announces a body, then the body one byte every 100 ms (10 bytes/s)
     * until an answer arrives, and returns the whole answer as text (the server closes after it). Fails when none
     * comes within {@code patience}.
     */
    static String trickleBodyUntilAnswered(int port, String head, Duration patience) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(100);
            long deadline = System.nanoTime() + patience.toNanos();
            int first = -1;
            while (first < 0) {
                out.write('x');
                try {
                    first = in.read();
                } catch (SocketTimeoutException e) {
                    assertTrue(System.nanoTime() - deadline < 0, "no answer to a slow body within " + patience);
                }
            }
            socket.setSoTimeout(READ_TIMEOUT_MS);
            return (char) first + new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static RawHttp1 open(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        return new RawHttp1(socket);
    }

    /** Writes {@code raw} as ISO-8859-1 bytes, so every char below 256 goes out as that exact byte. */
    RawHttp1 send(String raw) throws IOException {
        socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return this;
    }

    /** Writes {@code length} bytes of {@code data} from {@code offset}, as they are. */
    RawHttp1 send(byte[] data, int offset, int length) throws IOException {
        socket.getOutputStream().write(data, offset, length);
        socket.getOutputStream().flush();
        return this;
    }

    /** Writes {@code body} as chunks, cycling through chunk {@code sizes}, then the last chunk. */
    RawHttp1 sendChunked(byte[] body, int... sizes) throws IOException {
        OutputStream out = socket.getOutputStream();
        for (int offset = 0, i = 0; offset < body.length; offset += sizes[i++ % sizes.length]) {
            int n = Math.min(sizes[i % sizes.length], body.length - offset);
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, offset, n);
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    Response read() throws IOException {
        return read(true);
    }

    /** Reads a response's status line and headers only, leaving its body unread; returns the status. */
    int readHead() throws IOException {
        return head().status();
    }

    /** The status line and headers of the next response, with an empty body. */
    private Response head() throws IOException {
        String statusLine = line();
        if (statusLine == null) {
            throw new EOFException("connection closed before a status line");
        }
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        List<String[]> headers = new ArrayList<>();
        for (String line = line(); line != null && !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        return new Response(statusLine, status, headers, new byte[0], true);
    }

    /** Reads one response; {@code mayHaveBody} is false for the answer to a HEAD. */
    Response read(boolean mayHaveBody) throws IOException {
        Response head = head();
        int status = head.status();
        List<String[]> headers = head.headers();
        String statusLine = head.statusLine();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String te = head.header("Transfer-Encoding");
        String length = head.header("Content-Length");
        if (!mayHaveBody || status < 200 || status == 204 || status == 304) {
            return head;
        }
        boolean complete;
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            complete = readChunks(body);
        } else if (length != null) {
            byte[] data = in.readNBytes(Integer.parseInt(length));
            body.write(data);
            complete = data.length == Integer.parseInt(length);
        } else {
            body.write(in.readAllBytes());
            complete = true;
        }
        return new Response(statusLine, status, headers, body.toByteArray(), complete);
    }

    /** Reads chunks into {@code body} up to and with the trailers; false when the connection ended first. */
    private boolean readChunks(ByteArrayOutputStream body) throws IOException {
        for (String size = line(); size != null; size = line()) {
            int n = Integer.parseInt(size.split(";")[0].trim(), 16);
            if (n == 0) {
                for (String trailer = line(); ; trailer = line()) {
                    if (trailer == null) {
                        return false;
                    }
                    if (trailer.isEmpty()) {
                        return true;
                    }
                }
            }
            byte[] data = in.readNBytes(n);
            body.write(data);
            if (data.length < n || line() == null) {
                return false;
            }
        }
        return false;
    }

    /**
     * True when Sentinel ended the connection: end of stream, or a reset (a close with unread request bytes
     * sends RST). False when it stays open and silent until the read timeout.
     */
    /** Whether the server sent something that was not read yet. */
    boolean hasBytesToRead() throws IOException {
        return in.available() > 0;
    }

    boolean closedByPeer() throws IOException {
        try {
            int b = in.read();
            if (b >= 0) {
                throw new AssertionError("unexpected bytes after the response: " + (char) b);
            }
            return true;
        } catch (SocketTimeoutException open) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    private String line() throws IOException {
        return line(in);
    }

    /** One CRLF- (or LF-) terminated line without its terminator; {@code null} at the end of the stream. */
    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}

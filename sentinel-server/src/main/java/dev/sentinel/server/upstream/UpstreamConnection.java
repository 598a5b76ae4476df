package dev.sentinel.server.upstream;

import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.Callback;

/**
 * One HTTP/1.1 connection to a target, carrying one {@link UpstreamExchange} at a time: it writes the request
 * head and streams the body ({@link RequestWriter}), and parses the response with Jetty's {@link HttpParser}
 * (which refuses malformed status lines, obs-fold, conflicting lengths and oversized heads).
 *
 * <p>Reading runs on the connector's event loop and never blocks: a body slice is handed to the listener and
 * parsing pauses until the listener is done with it, which is also why the read buffer is held across
 * calls. The body's last slice, when a {@code Content-Length} says which one it is, is held back and handed
 * over only after the connection went back to its pool. An idle connection stays interested in reading, so
 * that an upstream closing it is seen at once rather than by the next request.
 */
final class UpstreamConnection extends AbstractConnection.NonBlocking implements HttpParser.ResponseHandler {
    /** A read's buffer: a 1 KiB body and its head in one read, larger bodies in slices of this size. */
    private static final int INPUT_BUFFER_BYTES = 16 * 1024;
    private static final int SLICE_NONE = 0;
    private static final int SLICE_HANDED = 1;
    private static final int SLICE_RESUMED = 2;
    private static final int SLICE_WAITING = 3;

    private final TargetConnections pool;
    private final ByteBufferPool buffers;
    private final HttpParser parser;
    /**
     * Where what the listener was handed (a slice, or the head on another thread) is: handed and in use; done
     * before the parsing loop paused (the loop goes on); or done after it paused (resume parses on).
     */
    private final AtomicInteger slice = new AtomicInteger(SLICE_NONE);
    private final Callback resume = new Callback() {
        @Override
        public void succeeded() {
            if (!slice.compareAndSet(SLICE_HANDED, SLICE_RESUMED)) {
                slice.set(SLICE_NONE);
                process();
            }
        }

        @Override
        public void failed(Throwable failure) {
            UpstreamExchange current = exchange;
            if (current != null) {
                current.abort(failure);
            }
            succeeded();
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }
    };
    private volatile UpstreamExchange exchange;
    private RequestWriter writer;
    private RetainableByteBuffer network;
    private HttpFields.Mutable headers;
    private int status;
    private boolean interim;
    private boolean persistent;
    private boolean ended;
    private ByteBuffer lastContent;

    UpstreamConnection(EndPoint endPoint, Executor executor, TargetConnections pool, ByteBufferPool buffers,
                       int maxResponseHeadBytes) {
        super(endPoint, executor);
        setInputBufferSize(INPUT_BUFFER_BYTES);
        this.pool = pool;
        this.buffers = buffers;
        this.parser = new HttpParser(this, maxResponseHeadBytes);
        // No header cache: about 100 KiB per connection from its second response on, when responses carry a
        // field Jetty caches (Cache-Control, for one; see Listeners).
        parser.setHeaderCacheSize(0);
    }

    @Override
    public void onOpen() {
        super.onOpen();
        fillInterested();
        pool.opened(this);
    }

    boolean isOpen() {
        return getEndPoint().isOpen();
    }

    /** Sends {@code next}'s request; the connection is interested in reading already. */
    void send(UpstreamExchange next) {
        headers = HttpFields.build();
        status = 0;
        interim = false;
        ended = false;
        parser.setHeadResponse(HttpMethod.HEAD.is(next.method));
        RequestWriter nextWriter = new RequestWriter(this, next, buffers);
        writer = nextWriter;
        // Last: the volatile write publishes the state above to the event loop that parses the response.
        exchange = next;
        nextWriter.start();
    }

    @Override
    public void onFillable() {
        process();
    }

    /**
     * Parses what the buffer holds, then fills it, until the response pauses (something is out with the
     * listener), ends, or the socket has nothing more. Parsing comes first even with an empty buffer: the
     * parser can still owe an event (a body-less response's end after a paused head).
     */
    private void process() {
        try {
            while (true) {
                UpstreamExchange current = exchange;
                if (current != null && current.isEnded()) {
                    releaseNetwork();
                    return;
                }
                if (network == null) {
                    network = buffers.acquire(getInputBufferSize(), true);
                }
                ByteBuffer buffer = network.getByteBuffer();
                if (current != null && parser.parseNext(buffer)) {
                    if (slice.compareAndSet(SLICE_HANDED, SLICE_WAITING)) {
                        // The listener has a slice (or the head): the buffer stays until resume, even if
                        // the exchange is aborted meanwhile, since a client write may still read it.
                        return;
                    }
                    slice.set(SLICE_NONE);
                    if (current.isEnded()) {
                        releaseNetwork();
                        return;
                    }
                    if (ended) {
                        complete(current);
                        return;
                    }
                    if (interim) {
                        nextResponse();
                    }
                    continue;
                }
                int filled = getEndPoint().fill(buffer);
                if (filled == 0) {
                    releaseNetwork();
                    fillInterested();
                    return;
                }
                if (filled < 0) {
                    endOfInput(current);
                    return;
                }
                if (current == null) {
                    // Bytes no request asked for: the connection is not in a state to be reused.
                    close();
                    releaseNetwork();
                    return;
                }
            }
        } catch (Throwable x) {
            releaseNetwork();
            failExchange(x);
        }
    }

    private void endOfInput(UpstreamExchange current) {
        parser.atEOF();
        if (current != null && parser.parseNext(network.getByteBuffer()) && ended) {
            // A response delimited by the connection's close ends here.
            persistent = false;
            complete(current);
            return;
        }
        releaseNetwork();
        failExchange(new EOFException("upstream closed the connection"));
    }

    private void nextResponse() {
        interim = false;
        headers = HttpFields.build();
        parser.reset();
        // reset() forgets it: the final response to a HEAD has no body either.
        parser.setHeadResponse(HttpMethod.HEAD.is(exchange.method));
    }

    /** The response ended whole: the connection goes back to its pool (or closes), then the listener hears. */
    private void complete(UpstreamExchange current) {
        ByteBuffer last = lastContent;
        lastContent = null;
        RetainableByteBuffer owner = network;
        network = null;
        boolean reusable = persistent && writer.isLastWritten() && !owner.hasRemaining();
        parser.reset();
        if (!current.finish()) {
            owner.release();
            close();
            return;
        }
        exchange = null;
        if (last == null) {
            owner.release();
        }
        if (reusable) {
            fillInterested();
            // The response can arrive before the request's last write reported back: pooled once it has.
            writer.whenDone(() -> pool.release(this));
        } else {
            writer.abandon();
            close();
        }
        current.listener.onComplete(last == null ? null : Content.Chunk.asChunk(last, true, owner));
    }

    /** The connection failed (a write, a read, garbage): it closes, and its exchange fails with it. */
    void failExchange(Throwable failure) {
        UpstreamExchange current = exchange;
        close(failure);
        if (current != null) {
            current.fail(failure);
        }
    }

    void close(Throwable cause) {
        getEndPoint().close(cause);
    }

    private void releaseNetwork() {
        if (network != null) {
            network.release();
            network = null;
        }
    }

    /**
     * The connection was silent for its idle timeout. While the exchange waits on its client (a response slice
     * or head the listener still holds, a request body the client has not sent yet) the silence is not the
     * upstream's: the client's own timeouts bound that wait, and the timer starts over. Otherwise the exchange
     * fails with the timeout, and an idle pooled connection closes.
     */
    @Override
    public boolean onIdleExpired(TimeoutException timeout) {
        UpstreamExchange current = exchange;
        if (current == null) {
            return true;
        }
        int held = slice.get();
        if (held == SLICE_HANDED || held == SLICE_WAITING || writer.awaitsClient()) {
            return false;
        }
        current.abort(timeout);
        return true;
    }

    /**
     * Reading failed or timed out while interested, which is also how an idle pooled connection expires:
     * close it, so that the pool never hands it out again (Jetty's default only shuts its output down).
     */
    @Override
    public void onFillInterestedFailed(Throwable cause) {
        close(cause);
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        pool.closed(this);
        UpstreamExchange current = exchange;
        if (current != null) {
            current.fail(cause != null ? cause : new EOFException("upstream connection closed"));
        }
    }

    @Override
    public void startResponse(HttpVersion version, int status, String reason) {
        this.status = status;
        this.persistent = version == HttpVersion.HTTP_1_1;
        this.interim = HttpStatus.isInformational(status) && status != HttpStatus.SWITCHING_PROTOCOLS_101;
    }

    @Override
    public void parsedHeader(HttpField field) {
        if (!interim) {
            headers.add(field);
        }
    }

    @Override
    public boolean headerComplete() {
        if (interim) {
            return false;
        }
        if (status == HttpStatus.SWITCHING_PROTOCOLS_101) {
            throw new HttpException.RuntimeException(HttpStatus.BAD_GATEWAY_502, "upstream switched protocols unasked");
        }
        if (headers.contains(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString())) {
            persistent = false;
        }
        UpstreamExchange current = exchange;
        current.status = status;
        if (current.listener.mayBlock()) {
            // The head goes to a thread that may block; parsing resumes when it is done.
            slice.set(SLICE_HANDED);
            getExecutor().execute(() -> {
                notifyHead(current);
                resume.succeeded();
            });
            return true;
        }
        return notifyHead(current);
    }

    /** Tells the listener the head; {@code true} when the exchange ended meanwhile (parsing stops). */
    private boolean notifyHead(UpstreamExchange current) {
        if (!current.enter()) {
            return true;
        }
        try {
            Throwable abandoned = current.listener.onHead(status, headers);
            if (abandoned != null) {
                // Still inside the notification: the listener hears this reason, and no other, right after it.
                current.abort(abandoned);
            }
        } finally {
            current.exit();
        }
        return current.isEnded();
    }

    @Override
    public boolean content(ByteBuffer content) {
        if (interim) {
            return false;
        }
        long length = parser.getContentLength();
        if (length >= 0 && parser.getContentRead() >= length) {
            lastContent = content;
            return false;
        }
        UpstreamExchange current = exchange;
        if (!current.enter()) {
            return true;
        }
        slice.set(SLICE_HANDED);
        try {
            current.listener.onContent(content, resume);
        } finally {
            current.exit();
        }
        return true;
    }

    @Override
    public boolean contentComplete() {
        return false;
    }

    @Override
    public boolean messageComplete() {
        if (!interim) {
            ended = true;
        }
        return true;
    }

    @Override
    public void earlyEOF() {
        throw new HttpException.RuntimeException(HttpStatus.BAD_GATEWAY_502, "upstream response cut short");
    }

    @Override
    public void badMessage(HttpException failure) {
        throw new HttpException.RuntimeException(HttpStatus.BAD_GATEWAY_502, failure.getReason());
    }
}

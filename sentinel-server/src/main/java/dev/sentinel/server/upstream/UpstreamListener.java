package dev.sentinel.server.upstream;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.Callback;

/**
 * Hears the response to one request an {@link UpstreamClient} sent: the final response head (interim 1xx
 * responses are skipped), the body slice by slice, then either the end or one failure.
 *
 * <p>Calls never overlap: the next slice is parsed only once the previous one's callback completed, which is
 * the back-pressure towards the upstream. A failure is told at most once, never during another call, and
 * nothing follows it.
 */
public interface UpstreamListener {
    /**
     * The final response head. Runs on the upstream connection's event loop, so it must not block, unless
     * {@link #mayBlock}.
     *
     * @return why the response is to be abandoned (its connection is closed and {@link #onFailure} hears this
     *         reason), or {@code null} to receive its body
     */
    Throwable onHead(int status, HttpFields headers);

    /**
     * A slice of the body that is not the last. {@code done} must be completed once the slice was used:
     * succeeded to read on, failed to abandon the response.
     */
    void onContent(ByteBuffer content, Callback done);

    /**
     * The response ended whole, and its connection went back to the pool (or was closed), so that the client's
     * next request can find it there.
     *
     * @param last the body's last slice, which the listener now owns and releases, or {@code null}
     */
    void onComplete(Content.Chunk last);

    /**
     * The exchange failed: the target refused, reset, timed out, answered garbage, the deadline passed, or
     * the response was abandoned.
     *
     * @param status the upstream's status when its head had arrived, else 0
     */
    void onFailure(int status, Throwable failure);

    /** Whether {@link #onHead} may block, so that it must run on a thread of its own. */
    boolean mayBlock();
}

package dev.sentinel.server.filter;

import dev.sentinel.server.error.Causes;
import dev.sentinel.server.limits.BodyLimitExceeded;
import dev.sentinel.server.limits.RequestLimits;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.FilterRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.content.ByteBufferContentSource;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * The request as filters see and change it, and as it then goes on: a {@link Request.Wrapper} whose
 * headers, path and body are the filters' version. Headers are copied on the first change only, so a
 * chain that only reads costs no copy. Confined to the request's thread during the request phase.
 */
public final class FilterExchange extends Request.Wrapper implements FilterRequest {
    private final Response response;
    private final String routeId;
    private final String upstreamId;
    private final String matchedPathPrefix;
    private HttpFields.Mutable headers;
    private HttpURI uri;
    private ByteBufferContentSource body;
    private byte[] bodyBytes;
    /** What plugins added to or set on the response through this exchange; {@code null} until they do. */
    private ResponseEdits responseEdits;

    FilterExchange(Request request, Response response, String routeId, String upstreamId, String matchedPathPrefix) {
        super(request);
        this.response = response;
        this.routeId = routeId;
        this.upstreamId = upstreamId;
        this.matchedPathPrefix = matchedPathPrefix;
    }

    /**
     * The request as a plugin's {@link Exchange} (a balancer's view, say): the filters' own when they ran,
     * else a view of it as it is.
     */
    public static FilterExchange of(Request request, Response response, String routeId, String upstreamId) {
        return request instanceof FilterExchange filtered ? filtered
                : new FilterExchange(request, response, routeId, upstreamId, null);
    }

    @Override
    public HttpFields getHeaders() {
        return headers != null ? headers : super.getHeaders();
    }

    @Override
    public HttpURI getHttpURI() {
        return uri != null ? uri : super.getHttpURI();
    }

    @Override
    public Content.Chunk read() {
        return body != null ? body.read() : super.read();
    }

    @Override
    public void demand(Runnable demandCallback) {
        if (body != null) {
            body.demand(demandCallback);
        } else {
            super.demand(demandCallback);
        }
    }

    @Override
    public boolean consumeAvailable() {
        return body != null || super.consumeAvailable();
    }

    @Override
    public String method() {
        return getMethod();
    }

    @Override
    public String path() {
        return getHttpURI().getPath();
    }

    @Override
    public String query() {
        return getHttpURI().getQuery();
    }

    @Override
    public String header(String name) {
        return getHeaders().get(name);
    }

    @Override
    public List<String> headers(String name) {
        return getHeaders().getValuesList(name);
    }

    @Override
    public String cookie(String name) {
        for (HttpCookie cookie : Request.getCookies(this)) {
            if (cookie.getName().equals(name)) {
                return cookie.getValue();
            }
        }
        return null;
    }

    @Override
    public String clientAddress() {
        return Request.getRemoteAddr(this);
    }

    @Override
    public String routeId() {
        return routeId;
    }

    @Override
    public String upstreamId() {
        return upstreamId;
    }

    @Override
    public void addResponseHeader(String name, String value) {
        HeaderRules.addResponseHeader(response, name, value);
        responseEdits().add(name, value);
    }

    @Override
    public void setResponseHeader(String name, String value) {
        HeaderRules.setResponseHeader(response, name, value);
        responseEdits().set(name, value);
    }

    /** Lower-case names of the response headers plugins set ({@link #setResponseHeader}); often empty. */
    public Set<String> setResponseHeaders() {
        return responseEdits == null ? Set.of() : responseEdits.setNames();
    }

    /** Makes the response header changes plugins made through this exchange again, on a fresh response head. */
    public void replayResponseHeaders(HttpFields.Mutable headers) {
        if (responseEdits != null) {
            responseEdits.replay(headers);
        }
    }

    private ResponseEdits responseEdits() {
        if (responseEdits == null) {
            responseEdits = new ResponseEdits();
        }
        return responseEdits;
    }

    @Override
    public String scheme() {
        return getHttpURI().getScheme();
    }

    @Override
    public String host() {
        return Request.getServerName(this);
    }

    @Override
    public String matchedPathPrefix() {
        return matchedPathPrefix;
    }

    @Override
    public void setHeader(String name, String value) {
        HeaderRules.check(name, value);
        mutableHeaders().put(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        HeaderRules.check(name, value);
        mutableHeaders().add(name, value);
    }

    @Override
    public void removeHeader(String name) {
        HeaderRules.check(name, null);
        mutableHeaders().remove(name);
    }

    @Override
    public void setPathAndQuery(String path, String query) {
        if (path == null || !path.startsWith("/") || !isTargetText(path) || (query != null && !isTargetText(query))) {
            throw new IllegalArgumentException("not an absolute, percent-encoded path and query: " + path
                    + (query == null ? "" : "?" + query));
        }
        HttpURI rewritten = HttpURI.build(getHttpURI()).path(path).query(query).asImmutable();
        if (rewritten.getCanonicalPath() == null || rewritten.hasViolations()) {
            throw new IllegalArgumentException("the path " + path + " is ambiguous or escapes the root");
        }
        uri = rewritten;
    }

    @Override
    public byte[] body() throws IOException {
        return body(Long.MAX_VALUE);
    }

    /** See {@link FilterRequests#body}. */
    byte[] body(long maxBytes) throws IOException {
        if (bodyBytes == null) {
            ByteBuffer all;
            try {
                all = Content.Source.asByteBuffer(RequestLimits.limitBody(getWrapped(), maxBytes));
            } catch (IOException e) {
                throw bodyLimitOr(e);
            }
            bodyBytes = new byte[all.remaining()];
            all.get(bodyBytes);
            body = new ByteBufferContentSource(ByteBuffer.wrap(bodyBytes).asReadOnlyBuffer());
        } else if (bodyBytes.length > maxBytes) {
            throw new BodyLimitExceeded(maxBytes);
        }
        return bodyBytes.clone();
    }

    /** The limit failure, wherever Jetty wrapped it: {@link FilterRequests#body} throws it as itself. */
    private static IOException bodyLimitOr(IOException e) {
        BodyLimitExceeded limit = Causes.find(e, BodyLimitExceeded.class);
        return limit != null ? limit : e;
    }

    private HttpFields.Mutable mutableHeaders() {
        if (headers == null) {
            headers = HttpFields.build(super.getHeaders());
        }
        return headers;
    }

    /** Visible ASCII only, as a request-target allows once percent-encoded. */
    private static boolean isTargetText(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '#') {
                return false;
            }
        }
        return true;
    }
}

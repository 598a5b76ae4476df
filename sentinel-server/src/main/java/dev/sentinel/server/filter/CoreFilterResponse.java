package dev.sentinel.server.filter;

import dev.sentinel.spi.FilterResponse;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Response;

/** A filter's view of a Jetty core response that is not committed yet; header changes are also recorded. */
final class CoreFilterResponse implements FilterResponse {
    private final Response response;
    private final ResponseEdits edits;

    CoreFilterResponse(Response response, ResponseEdits edits) {
        this.response = response;
        this.edits = edits;
    }

    /** An immutable copy of the headers, for code that must not hold the live response (an agent call). */
    HttpFields copyOfHeaders() {
        return response.getHeaders().asImmutable();
    }

    @Override
    public int status() {
        return response.getStatus();
    }

    @Override
    public void setStatus(int status) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be between 200 and 599, not " + status);
        }
        response.setStatus(status);
    }

    @Override
    public String header(String name) {
        return response.getHeaders().get(name);
    }

    @Override
    public List<String> headers(String name) {
        return response.getHeaders().getValuesList(name);
    }

    @Override
    public void setHeader(String name, String value) {
        HeaderRules.check(name, value);
        response.getHeaders().put(name, value);
        edits.set(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        HeaderRules.check(name, value);
        response.getHeaders().add(name, value);
        edits.add(name, value);
    }

    @Override
    public void removeHeader(String name) {
        HeaderRules.check(name, null);
        response.getHeaders().remove(name);
        edits.remove(name);
    }
}

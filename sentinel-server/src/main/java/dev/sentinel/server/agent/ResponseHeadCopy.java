package dev.sentinel.server.agent;

import dev.sentinel.spi.ResponseHead;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;

/** An immutable copy of a response head, for an agent's {@code onResponseHeaders}. */
record ResponseHeadCopy(int status, HttpFields fields) implements ResponseHead {
    @Override
    public String header(String name) {
        return fields.get(name);
    }

    @Override
    public List<String> headers(String name) {
        return fields.getValuesList(name);
    }
}

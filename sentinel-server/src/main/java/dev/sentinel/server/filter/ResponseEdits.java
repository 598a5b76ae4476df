package dev.sentinel.server.filter;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpFields;

/**
 * The response header changes plugins made for one request, kept so that they can be made again: when the
 * upstream's response fails before it is committed, Sentinel's error reply starts again from its own stamp,
 * and what the filters said about the response (a rate limit's headers, CORS) still belongs on it.
 * Written by one thread at a time, the request's phases following one another.
 */
public final class ResponseEdits {
    private enum Op { SET, ADD, REMOVE }

    private record Edit(Op op, String name, String value) {
    }

    private final List<Edit> edits = new ArrayList<>();
    private Set<String> setNames;

    void set(String name, String value) {
        edits.add(new Edit(Op.SET, name, value));
        if (setNames == null) {
            setNames = new HashSet<>();
        }
        setNames.add(name.toLowerCase(Locale.ROOT));
    }

    void add(String name, String value) {
        edits.add(new Edit(Op.ADD, name, value));
    }

    void remove(String name) {
        edits.add(new Edit(Op.REMOVE, name, null));
    }

    /** Lower-case names of the headers set (rather than added or removed); often empty. */
    Set<String> setNames() {
        return setNames == null ? Set.of() : setNames;
    }

    /** Makes every change again, in order, on {@code headers}. */
    public void replay(HttpFields.Mutable headers) {
        for (Edit edit : edits) {
            switch (edit.op()) {
                case SET -> headers.put(edit.name(), edit.value());
                case ADD -> headers.add(edit.name(), edit.value());
                case REMOVE -> headers.remove(edit.name());
            }
        }
    }
}

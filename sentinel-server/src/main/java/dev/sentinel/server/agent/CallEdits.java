package dev.sentinel.server.agent;

import dev.sentinel.server.filter.HeaderRules;
import dev.sentinel.spi.FilterRequest;
import dev.sentinel.spi.FilterResponse;
import dev.sentinel.spi.HeaderEdits;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The header changes one agent call asks for, owned by the server: recorded while the call runs (each
 * checked by {@link HeaderRules} as it is made), then closed when the server stops waiting. The server
 * applies them only when the call returned in time with allow; a late call finds the object closed and
 * its changes go nowhere.
 */
final class CallEdits implements HeaderEdits {
    /** More changes than this in one call is an agent bug; the call fails. */
    static final int MAX_EDITS = 64;

    enum Side { REQUEST, RESPONSE }

    enum Op { SET, ADD, REMOVE }

    /** One change; {@code value} is {@code null} for a removal. */
    record Edit(Side side, Op op, String name, String value) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final List<Edit> edits = new ArrayList<>();
    private boolean closed;

    @Override
    public void setRequestHeader(String name, String value) {
        record(new Edit(Side.REQUEST, Op.SET, name, value));
    }

    @Override
    public void addRequestHeader(String name, String value) {
        record(new Edit(Side.REQUEST, Op.ADD, name, value));
    }

    @Override
    public void removeRequestHeader(String name) {
        record(new Edit(Side.REQUEST, Op.REMOVE, name, null));
    }

    @Override
    public void setResponseHeader(String name, String value) {
        record(new Edit(Side.RESPONSE, Op.SET, name, value));
    }

    @Override
    public void addResponseHeader(String name, String value) {
        record(new Edit(Side.RESPONSE, Op.ADD, name, value));
    }

    @Override
    public void removeResponseHeader(String name) {
        record(new Edit(Side.RESPONSE, Op.REMOVE, name, null));
    }

    /** Ends the call's right to change anything, and hands over what it asked for. */
    List<Edit> close() {
        lock.lock();
        try {
            closed = true;
            return List.copyOf(edits);
        } finally {
            lock.unlock();
        }
    }

    private void record(Edit edit) {
        if (edit.op() != Op.REMOVE && edit.value() == null) {
            throw new IllegalArgumentException("header '" + edit.name() + "' needs a value");
        }
        HeaderRules.check(edit.name(), edit.value());
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("this agent call is over; its header changes are discarded");
            }
            if (edits.size() >= MAX_EDITS) {
                throw new IllegalStateException("more than " + MAX_EDITS + " header changes in one agent call");
            }
            edits.add(edit);
        } finally {
            lock.unlock();
        }
    }

    /** Applies the request side of {@code edits} to the request on its way upstream. */
    static void applyTo(FilterRequest request, List<Edit> edits) {
        for (Edit edit : edits) {
            if (edit.side() == Side.REQUEST) {
                switch (edit.op()) {
                    case SET -> request.setHeader(edit.name(), edit.value());
                    case ADD -> request.addHeader(edit.name(), edit.value());
                    case REMOVE -> request.removeHeader(edit.name());
                }
            }
        }
    }

    /** Applies the response side of {@code edits} to a response head not sent yet. */
    static void applyTo(FilterResponse response, List<Edit> edits) {
        for (Edit edit : edits) {
            if (edit.side() == Side.RESPONSE) {
                switch (edit.op()) {
                    case SET -> response.setHeader(edit.name(), edit.value());
                    case ADD -> response.addHeader(edit.name(), edit.value());
                    case REMOVE -> response.removeHeader(edit.name());
                }
            }
        }
    }
}

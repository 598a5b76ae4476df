package dev.sentinel.server.upstream;

import dev.sentinel.server.filter.HeaderRules;
import dev.sentinel.spi.Exchange;
import java.util.ArrayList;
import java.util.List;

/**
 * The exchange as a balancer sees it while it chooses a target: the request reads through, but the response
 * headers it asks for (a sticky balancer's {@code Set-Cookie}) are held with the choice, not written. They
 * belong to the chosen target's response: a choice given up (a half-open breaker refused it, or the request
 * is retried on another target) must not pin the client to a target that did not answer.
 */
final class ChoiceExchange implements Exchange {
    private record Edit(boolean set, String name, String value) {
    }

    private final Exchange exchange;
    private List<Edit> edits;
    private boolean applied;

    ChoiceExchange(Exchange exchange) {
        this.exchange = exchange;
    }

    /** Writes the held headers through the request's exchange; only the first call does. */
    void apply() {
        if (applied || edits == null) {
            return;
        }
        applied = true;
        for (Edit edit : edits) {
            if (edit.set()) {
                exchange.setResponseHeader(edit.name(), edit.value());
            } else {
                exchange.addResponseHeader(edit.name(), edit.value());
            }
        }
    }

    @Override
    public void addResponseHeader(String name, String value) {
        hold(false, name, value);
    }

    @Override
    public void setResponseHeader(String name, String value) {
        hold(true, name, value);
    }

    /** Checked now, so that a bad header fails the balancer's call, as it would on the exchange itself. */
    private void hold(boolean set, String name, String value) {
        HeaderRules.checkAddedResponseHeader(name, value);
        if (edits == null) {
            edits = new ArrayList<>(2);
        }
        edits.add(new Edit(set, name, value));
    }

    @Override
    public String method() {
        return exchange.method();
    }

    @Override
    public String path() {
        return exchange.path();
    }

    @Override
    public String query() {
        return exchange.query();
    }

    @Override
    public String header(String name) {
        return exchange.header(name);
    }

    @Override
    public List<String> headers(String name) {
        return exchange.headers(name);
    }

    @Override
    public String cookie(String name) {
        return exchange.cookie(name);
    }

    @Override
    public String clientAddress() {
        return exchange.clientAddress();
    }

    @Override
    public String routeId() {
        return exchange.routeId();
    }

    @Override
    public String upstreamId() {
        return exchange.upstreamId();
    }
}

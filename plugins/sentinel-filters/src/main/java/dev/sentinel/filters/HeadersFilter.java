package dev.sentinel.filters;

import dev.sentinel.spi.ConfigException;
import dev.sentinel.spi.Decision;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.Filter;
import dev.sentinel.spi.FilterProvider;
import dev.sentinel.spi.FilterRequest;
import dev.sentinel.spi.FilterResponse;
import dev.sentinel.spi.PluginConfig;
import java.util.List;
import java.util.Map;

/**
 * {@code type "headers"}: renames, sets, adds and removes headers, in that order (Zentinel's), on the
 * request on its way to the upstream, on the response on its way back, or on both.
 */
final class HeadersFilter implements Filter {
    enum Phase { REQUEST, RESPONSE, BOTH }

    /** The edits of one filter, applied through whichever side's header methods. */
    interface Headers {
        List<String> headers(String name);

        void setHeader(String name, String value);

        void addHeader(String name, String value);

        void removeHeader(String name);
    }

    private final Phase phase;
    private final Map<String, String> rename;
    private final Map<String, String> set;
    private final Map<String, String> add;
    private final List<String> remove;

    HeadersFilter(Phase phase, Map<String, String> rename, Map<String, String> set, Map<String, String> add,
                  List<String> remove) {
        this.phase = phase;
        this.rename = rename;
        this.set = set;
        this.add = add;
        this.remove = remove;
    }

    @Override
    public Decision onRequest(FilterRequest request) {
        if (phase != Phase.RESPONSE) {
            apply(new Headers() {
                public List<String> headers(String name) {
                    return request.headers(name);
                }

                public void setHeader(String name, String value) {
                    request.setHeader(name, value);
                }

                public void addHeader(String name, String value) {
                    request.addHeader(name, value);
                }

                public void removeHeader(String name) {
                    request.removeHeader(name);
                }
            });
        }
        return Decision.allow();
    }

    @Override
    public void onResponse(Exchange request, FilterResponse response) {
        if (phase != Phase.REQUEST) {
            apply(new Headers() {
                public List<String> headers(String name) {
                    return response.headers(name);
                }

                public void setHeader(String name, String value) {
                    response.setHeader(name, value);
                }

                public void addHeader(String name, String value) {
                    response.addHeader(name, value);
                }

                public void removeHeader(String name) {
                    response.removeHeader(name);
                }
            });
        }
    }

    void apply(Headers headers) {
        rename.forEach((from, to) -> {
            List<String> values = headers.headers(from);
            if (values.isEmpty() || from.equalsIgnoreCase(to)) {
                return;
            }
            headers.removeHeader(from);
            headers.removeHeader(to);
            values.forEach(value -> headers.addHeader(to, value));
        });
        set.forEach(headers::setHeader);
        add.forEach(headers::addHeader);
        remove.forEach(headers::removeHeader);
    }

    public static final class Provider implements FilterProvider {
        @Override
        public String type() {
            return "headers";
        }

        @Override
        public String description() {
            return "renames, sets, adds and removes request or response headers";
        }

        @Override
        public Filter create(PluginConfig config) throws ConfigException {
            Phase phase = switch (config.string("phase", "request")) {
                case "request" -> Phase.REQUEST;
                case "response" -> Phase.RESPONSE;
                case "both" -> Phase.BOTH;
                default -> throw config.invalid("phase", "'phase' is \"request\", \"response\" or \"both\"");
            };
            Map<String, String> rename = config.pairs("rename");
            Map<String, String> set = config.pairs("set");
            Map<String, String> add = config.pairs("add");
            List<String> remove = config.strings("remove");
            HeaderNames.check(config, "rename", rename.keySet());
            HeaderNames.check(config, "rename", rename.values());
            HeaderNames.check(config, "set", set.keySet());
            HeaderNames.checkValues(config, "set", set.values());
            HeaderNames.check(config, "add", add.keySet());
            HeaderNames.checkValues(config, "add", add.values());
            HeaderNames.check(config, "remove", remove);
            return new HeadersFilter(phase, rename, set, add, remove);
        }
    }
}

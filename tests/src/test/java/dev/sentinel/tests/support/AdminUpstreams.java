package dev.sentinel.tests.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads Sentinel's /admin/upstreams JSON (the {@code upstreams} builtin). */
public final class AdminUpstreams {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private AdminUpstreams() {
    }

    public static String json(int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/upstreams"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The JSON object of one target of one upstream. */
    public static String target(int port, String upstream, String address) throws Exception {
        String json = json(port);
        int start = json.indexOf("{\"id\":\"" + upstream + "\"");
        int at = json.indexOf("{\"address\":\"" + address + "\"", start);
        assertTrue(start >= 0 && at >= 0, upstream + "/" + address + " not in " + json);
        return json.substring(at, json.indexOf('}', json.indexOf("\"last_check_failure\"", at)) + 1);
    }
}

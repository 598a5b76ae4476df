package dev.sentinel.tests.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one series from a Sentinel's Prometheus text, as a scraper would. */
public final class Metrics {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Metrics() {
    }

    /**
     * The value of {@code series} (its name and labels exactly as exposed, e.g.
     * {@code sentinel_upstream_failures_total{reason="timeout",upstream="be"}}) at
     * {@code http://127.0.0.1:<port>/metrics}; 0 when the series is not there yet.
     */
    public static double value(int port, String series) throws IOException, InterruptedException {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("metrics answered " + response.statusCode());
        }
        return value(response.body(), series);
    }

    /** The value of {@code series} in a scrape's {@code text}; 0 when the series is not there yet. */
    public static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}

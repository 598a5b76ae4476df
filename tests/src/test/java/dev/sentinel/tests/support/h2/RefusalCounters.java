package dev.sentinel.tests.support.h2;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Sentinel's refusal counters, read through a {@code metrics} builtin route at {@code /metrics} the way a
 * scraper reads them. Counters are shared by every test against one Sentinel, so tests compare a value read
 * before their own traffic with the value after it.
 */
public final class RefusalCounters {
    private static final String REQUESTS = "sentinel_requests_refused_total";
    private static final String CONNECTIONS = "sentinel_connections_refused_total";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI uri;

    public RefusalCounters(int port) {
        uri = URI.create("http://127.0.0.1:" + port + "/metrics");
    }

    /** {@code sentinel_requests_refused_total{reason}}, 0 while the series does not exist yet. */
    public double requests(String reason) throws IOException, InterruptedException {
        return value(scrape(), REQUESTS, reason);
    }

    /** {@code sentinel_connections_refused_total{reason}}, 0 while the series does not exist yet. */
    public double connections(String reason) throws IOException, InterruptedException {
        return value(scrape(), CONNECTIONS, reason);
    }

    /** Scrapes until the request counter reaches {@code expected}; fails past it, or after a deadline. */
    public void awaitRequests(String reason, double expected) throws IOException, InterruptedException {
        await(REQUESTS, reason, expected);
    }

    /** Scrapes until the connection counter reaches {@code expected}; fails past it, or after a deadline. */
    public void awaitConnections(String reason, double expected) throws IOException, InterruptedException {
        await(CONNECTIONS, reason, expected);
    }

    private void await(String counter, String reason, double expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String text = scrape();
        while (value(text, counter, reason) != expected) {
            if (value(text, counter, reason) > expected || System.nanoTime() > deadline) {
                throw new AssertionError(counter + "{reason=\"" + reason + "\"} is " + value(text, counter, reason)
                        + ", expected " + expected + ":\n" + text);
            }
            text = scrape();
        }
    }

    private static double value(String text, String counter, String reason) {
        String series = counter + "{reason=\"" + reason + "\"} ";
        return text.lines().filter(l -> l.startsWith(series))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length()))).findFirst().orElse(0);
    }

    private String scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + uri + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }
}

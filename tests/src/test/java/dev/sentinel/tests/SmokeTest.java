package dev.sentinel.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sentinel.tests.support.Backend;
import dev.sentinel.tests.support.Ports;
import dev.sentinel.tests.support.Sentinel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void forwardsARequestToTheBackendAndBack() throws Exception {
        int port = Ports.free();
        try (Backend backend = Backend.echo();
             Sentinel sentinel = Sentinel.start("""
                     system { worker-threads 1 }
                     listeners { listener "main" { address "127.0.0.1:%d"; protocol "http" } }
                     routes { route "all" { matches { path-prefix "/" }; upstream "be" } }
                     upstreams { upstream "be" { target "%s" } }
                     """.formatted(port, backend.address()))) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello?x=1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertEquals("GET /hello?x=1 ", response.body());
            Backend.Received received = backend.take();
            assertEquals("Sentinel", received.header("X-Forwarded-By"));
            assertTrue(response.headers().firstValue("X-Correlation-Id").isPresent());
        }
    }
}

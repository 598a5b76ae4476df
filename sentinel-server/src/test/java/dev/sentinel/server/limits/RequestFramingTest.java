package dev.sentinel.server.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestFramingTest {
    private static final HttpFields NONE = HttpFields.EMPTY;

    private static HttpFields te(String... values) {
        HttpFields.Mutable fields = HttpFields.build();
        for (String value : values) {
            fields.add("Transfer-Encoding", value);
        }
        return fields;
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"})
    void requestsWithoutTransferEncodingPass(String method) {
        assertNull(RequestFraming.check(method, HttpVersion.HTTP_1_1, NONE));
    }

    @ParameterizedTest
    @EnumSource(value = HttpVersion.class, names = {"HTTP_1_0", "HTTP_1_1", "HTTP_2"})
    void connectIsRefusedWithAllowOnEveryVersion(HttpVersion version) {
        Refusal refusal = RequestFraming.check("CONNECT", version, NONE);
        assertEquals(405, refusal.status());
        assertEquals("connect_method", refusal.reason());
        assertEquals(RequestFraming.ALLOWED_METHODS, refusal.allow());
    }

    @Test
    void chunkedOnHttp11Passes() {
        assertNull(RequestFraming.check("POST", HttpVersion.HTTP_1_1, te("chunked")));
    }

    @Test
    void transferEncodingOnHttp10IsRefusedEvenWhenWellFormed() {
        Refusal refusal = RequestFraming.check("POST", HttpVersion.HTTP_1_0, te("chunked"));
        assertEquals(400, refusal.status());
        assertEquals("transfer_encoding_http10", refusal.reason());
        assertNull(refusal.allow());
    }

    @Test
    void malformedTransferEncodingIs400() {
        Refusal refusal = RequestFraming.check("POST", HttpVersion.HTTP_1_1, te(",chunked"));
        assertEquals(400, refusal.status());
        assertEquals("transfer_encoding_malformed", refusal.reason());
    }

    @Test
    void unknownCodingBeforeChunkedIs501() {
        Refusal refusal = RequestFraming.check("POST", HttpVersion.HTTP_1_1, te("gzip", "chunked"));
        assertEquals(501, refusal.status());
        assertEquals("transfer_encoding_unsupported", refusal.reason());
    }
}

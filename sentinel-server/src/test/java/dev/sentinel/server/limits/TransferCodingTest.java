package dev.sentinel.server.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransferCodingTest {
    /** Field values separated by '|' (one per Transfer-Encoding line). */
    private static TransferCoding of(String lines) {
        return TransferCoding.of(Arrays.asList(lines.split("\\|", -1)));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"chunked", "CHUNKED", "Chunked", " chunked", "chunked ", "\tchunked\t", "  chunked  "})
    void aSingleChunkedIsTheOnlyTrustedFraming(String value) {
        assertEquals(TransferCoding.CHUNKED, TransferCoding.of(List.of(value)));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {",chunked", "chunked,", "chunked,,", ", chunked", "chunked, ", "gzip,,chunked", ""})
    void emptyListElementsAreMalformed(String value) {
        assertEquals(TransferCoding.MALFORMED, of(value));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"chunked\u000b", "\u000bchunked", "chunked\f", "chunked\r", "chunked\u0000",
            "chu nked", "\"chunked\"", "chunked;q=1", "chunked ;x", "chunked/1", "chünked"})
    void anythingButATokenBetweenSpacesAndTabsIsMalformed(String value) {
        assertEquals(TransferCoding.MALFORMED, of(value));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"chunked, chunked", "chunked|chunked", "chunked, gzip", "chunked|gzip", "gzip",
            "identity", "xchunked", "chunkedx"})
    void chunkedTwiceNotLastOrMissingIsMalformed(String value) {
        assertEquals(TransferCoding.MALFORMED, of(value));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"gzip, chunked", "gzip|chunked", "deflate,chunked", "identity, chunked",
            "x-custom , chunked"})
    void anotherCodingBeforeChunkedIsUnsupported(String value) {
        assertEquals(TransferCoding.UNSUPPORTED, of(value));
    }
}

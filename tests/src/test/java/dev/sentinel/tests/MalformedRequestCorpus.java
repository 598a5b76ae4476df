package dev.sentinel.tests;

import java.util.ArrayList;
import java.util.List;

/**
 * Malformed and hostile HTTP/1 requests, each with the answer Sentinel owes it. Every request targets a route
 * whose backend must never receive anything; bodies that would smuggle a second request carry
 * {@link #SMUGGLED}, so a framing mistake shows up at that backend.
 */
final class MalformedRequestCorpus {
    /** What becomes of the connection after the answer. */
    enum After {
        /** Framing was never in doubt: the connection serves the next request. */
        KEPT,
        /** {@code Connection: close}, then the connection ends. */
        CLOSED,
        /**
         * The connection ends without a {@code Connection: close}, which HTTP/1.0 does not need: the request
         * was HTTP/1.0, or its request line was unreadable, so Jetty answered before knowing the version.
         */
        DROPPED
    }

    record Case(String name, String raw, int status, After after) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A complete second request, hidden where a body would be if the framing were misread. */
    static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: t\r\n\r\n";

    private static final String CHUNKED_BODY = "5\r\nhello\r\n0\r\n\r\n";

    private MalformedRequestCorpus() {
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        contentLength(cases);
        transferEncoding(cases);
        chunks(cases);
        headerSyntax(cases);
        hostAndRequestLine(cases);
        methodsAndLimits(cases);
        return cases;
    }

    private static void contentLength(List<Case> cases) {
        for (String[] value : new String[][] {{"negative", "-1"}, {"signed", "+5"}, {"hex", "0x5"},
                {"empty", ""}, {"decimal", "5.0"}, {"overflowing_long", "99999999999999999999999"},
                {"two_numbers", "5 6"}, {"list_of_equal_values", "5, 5"}, {"list_of_different_values", "5, 48"}}) {
            cases.add(new Case("content_length_" + value[0] + "_is_400",
                    post("Content-Length: " + value[1], "hello" + SMUGGLED), 400, After.CLOSED));
        }
        cases.add(new Case("two_content_length_fields_equal_is_400",
                post("Content-Length: 5\r\nContent-Length: 5", "hello"), 400, After.CLOSED));
        cases.add(new Case("two_content_length_fields_different_is_400",
                post("Content-Length: 5\r\nContent-Length: 48", "hello" + SMUGGLED), 400, After.CLOSED));
    }

    private static void transferEncoding(List<Case> cases) {
        String zeroChunk = "0\r\n\r\n" + SMUGGLED;
        cases.add(new Case("transfer_encoding_then_content_length_is_400",
                post("Transfer-Encoding: chunked\r\nContent-Length: 5", zeroChunk), 400, After.CLOSED));
        cases.add(new Case("content_length_then_transfer_encoding_is_400",
                post("Content-Length: 48\r\nTransfer-Encoding: chunked", zeroChunk), 400, After.CLOSED));
        for (String[] value : new String[][] {{"leading_comma", ",chunked"}, {"trailing_comma", "chunked,"},
                {"empty_element", "gzip,,chunked"}, {"twice_in_one_field", "chunked, chunked"},
                {"vertical_tab_after", "chunked\u000b"}, {"vertical_tab_before", "\u000bchunked"},
                {"form_feed", "chunked\f"}, {"quoted", "\"chunked\""}, {"with_parameter", "chunked;q=1"},
                {"empty", ""}, {"not_last", "chunked, gzip"}, {"without_chunked", "gzip"},
                {"lookalike", "xchunked"}, {"identity", "identity"}}) {
            cases.add(new Case("transfer_encoding_" + value[0] + "_is_400",
                    post("Transfer-Encoding: " + value[1], zeroChunk), 400, After.CLOSED));
        }
        cases.add(new Case("transfer_encoding_in_two_fields_is_400",
                post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked", zeroChunk), 400, After.CLOSED));
        cases.add(new Case("transfer_encoding_with_space_before_colon_is_400",
                post("Transfer-Encoding : chunked", zeroChunk), 400, After.CLOSED));
        cases.add(new Case("unknown_coding_before_chunked_is_501",
                post("Transfer-Encoding: gzip, chunked", CHUNKED_BODY), 501, After.CLOSED));
        cases.add(new Case("unknown_coding_in_an_earlier_field_is_501",
                post("Transfer-Encoding: x-custom\r\nTransfer-Encoding: chunked", CHUNKED_BODY), 501, After.CLOSED));
        cases.add(new Case("transfer_encoding_on_http10_is_400",
                "POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n" + zeroChunk, 400, After.CLOSED));
        cases.add(new Case("transfer_encoding_with_length_on_http10_is_400",
                "POST /x HTTP/1.0\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n" + zeroChunk, 400,
                After.DROPPED));
    }

    private static void chunks(List<Case> cases) {
        String te = "Transfer-Encoding: chunked";
        for (String[] chunk : new String[][] {{"size_not_hex", "zz\r\nhello\r\n0\r\n\r\n"},
                {"size_negative", "-5\r\nhello\r\n0\r\n\r\n"},
                {"size_overflowing_long", "fffffffffffffffffff\r\nhello\r\n0\r\n\r\n"},
                {"size_missing", "\r\nhello\r\n0\r\n\r\n"},
                {"extension_without_name", "5;\r\nhello\r\n0\r\n\r\n"},
                {"extension_with_unterminated_quote", "5;a=\"b\r\nhello\r\n0\r\n\r\n"},
                {"extension_of_16k", "5;" + "a".repeat(16 * 1024) + "\r\nhello\r\n0\r\n\r\n"},
                {"lines_ended_by_lf_only", "5\nhello\n0\n\n"},
                {"data_longer_than_its_size", "5\r\nhelloXX\r\n0\r\n\r\n"},
                {"trailer_with_invalid_name", "5\r\nhello\r\n0\r\nX Bad: 1\r\n\r\n"}}) {
            cases.add(new Case("chunk_" + chunk[0] + "_is_400", post(te, chunk[1] + SMUGGLED), 400, After.CLOSED));
        }
    }

    private static void headerSyntax(List<Case> cases) {
        for (String[] field : new String[][] {{"name_with_space", "X Bad: 1"}, {"space_before_colon", "X-Bad : 1"},
                {"tab_before_colon", "X-Bad\t: 1"}, {"name_with_at_sign", "X@Bad: 1"},
                {"name_with_parenthesis", "X(Bad): 1"}, {"empty_name", ": 1"}, {"non_ascii_name", "X\u00e9: 1"},
                {"line_without_colon", "X-Bad"}, {"nul_in_value", "X-A: a\u0000b"}, {"bare_cr_in_value", "X-A: a\rb"},
                {"bare_lf_in_value", "X-A: a\nX-B: b"}, {"control_char_in_value", "X-A: a\u0001b"},
                {"del_in_value", "X-A: a\u007fb"}, {"obs_fold_with_space", "X-A: a\r\n b"},
                {"obs_fold_with_tab", "X-A: a\r\n\tb"}, {"obs_fold_of_content_length", "X-A: a\r\n Content-Length: 48"}}) {
            cases.add(new Case("header_" + field[0] + "_is_400", get(field[1]), 400, After.CLOSED));
        }
        cases.add(new Case("lines_ended_by_lf_only_is_400", "GET /x HTTP/1.1\nHost: t\n\n", 400, After.DROPPED));
    }

    private static void hostAndRequestLine(List<Case> cases) {
        cases.add(new Case("missing_host_on_http11_is_400", "GET /x HTTP/1.1\r\n\r\n", 400, After.CLOSED));
        cases.add(new Case("two_host_fields_is_400", get("Host: other"), 400, After.CLOSED));
        cases.add(new Case("host_list_is_400", "GET /x HTTP/1.1\r\nHost: a, b\r\n\r\n", 400, After.CLOSED));
        cases.add(new Case("host_with_space_is_400", "GET /x HTTP/1.1\r\nHost: a b\r\n\r\n", 400, After.CLOSED));
        cases.add(new Case("host_with_port_out_of_range_is_400", "GET /x HTTP/1.1\r\nHost: t:99999\r\n\r\n", 400,
                After.CLOSED));
        cases.add(new Case("host_with_user_info_is_400", "GET /x HTTP/1.1\r\nHost: u@a\r\n\r\n", 400, After.CLOSED));
        cases.add(new Case("absolute_target_other_than_host_is_400", "GET http://other/x HTTP/1.1\r\nHost: t\r\n\r\n",
                400, After.KEPT));
        cases.add(new Case("fragment_in_target_is_400", "GET /x#frag HTTP/1.1\r\nHost: t\r\n\r\n", 400, After.KEPT));
        cases.add(new Case("encoded_dot_segment_is_400", "GET /x/%2e%2e/y HTTP/1.1\r\nHost: t\r\n\r\n", 400,
                After.KEPT));
        cases.add(new Case("encoded_slash_is_400", "GET /x%2fy HTTP/1.1\r\nHost: t\r\n\r\n", 400, After.KEPT));
        cases.add(new Case("request_line_over_the_header_limit_is_414",
                "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414, After.DROPPED));
        cases.add(new Case("unknown_version_is_505", "GET /x HTTP/1.2\r\nHost: t\r\n\r\n", 505, After.DROPPED));
        cases.add(new Case("http09_request_is_505", "GET /x\r\n\r\n", 505, After.DROPPED));
        cases.add(new Case("method_with_separator_is_400", "GE(T /x HTTP/1.1\r\nHost: t\r\n\r\n", 400, After.DROPPED));
    }

    private static void methodsAndLimits(List<Case> cases) {
        cases.add(new Case("connect_is_405", "CONNECT t:443 HTTP/1.1\r\nHost: t:443\r\n\r\n", 405, After.CLOSED));
        cases.add(new Case("connect_on_http10_is_405", "CONNECT t:443 HTTP/1.0\r\n\r\n", 405, After.CLOSED));
        cases.add(new Case("connect_with_origin_form_is_400", "CONNECT /x HTTP/1.1\r\nHost: t\r\n\r\n", 400,
                After.DROPPED));
        cases.add(new Case("upgrade_without_connection_upgrade_is_400", get("Upgrade: h2c"), 400, After.CLOSED));
        cases.add(new Case("unknown_expectation_is_417",
                post("Content-Length: 5\r\nExpect: teleport", "hello"), 417, After.CLOSED));
        cases.add(new Case("too_many_header_fields_is_431",
                get("X-N: 1\r\n".repeat(120).strip()), 431, After.CLOSED));
        cases.add(new Case("header_section_over_the_limit_is_431", get("X-Big: " + "b".repeat(9000)), 431,
                After.CLOSED));
        cases.add(new Case("declared_body_over_the_limit_is_413",
                post("Content-Length: 4096", "a".repeat(100)), 413, After.CLOSED));
    }

    private static String get(String field) {
        return "GET /x HTTP/1.1\r\nHost: t\r\n" + field + "\r\n\r\n";
    }

    private static String post(String fields, String body) {
        return "POST /x HTTP/1.1\r\nHost: t\r\n" + fields + "\r\n\r\n" + body;
    }
}

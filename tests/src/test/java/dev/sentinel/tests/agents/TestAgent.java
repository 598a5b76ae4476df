package dev.sentinel.tests.agents;

import dev.sentinel.spi.Agent;
import dev.sentinel.spi.Decision;
import dev.sentinel.spi.Exchange;
import dev.sentinel.spi.HeaderEdits;
import dev.sentinel.spi.ResponseHead;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** See {@link TestAgentProvider}. */
final class TestAgent implements Agent {
    private final String mode;
    private final String bodyMarker;
    private final String withholdIfResponseHas;

    TestAgent(String mode, String bodyMarker, String withholdIfResponseHas) {
        this.mode = mode;
        this.bodyMarker = bodyMarker;
        this.withholdIfResponseHas = withholdIfResponseHas;
    }

    @Override
    public Decision onRequestHeaders(Exchange request, HeaderEdits edits) throws Exception {
        edits.setRequestHeader("X-Agent-Saw", request.method() + " " + request.path());
        switch (mode) {
            case "hang" -> {
                edits.setRequestHeader("X-Agent-Late", "this must never reach the upstream");
                Thread.sleep(60_000); // far past any timeout: the server interrupts it
                return Decision.allow();
            }
            case "throw" -> throw new IllegalStateException("a broken agent");
            case "redirect" -> {
                return Decision.redirect(302, "https://login.example/?next=" + request.path());
            }
            default -> {
                return Decision.allow();
            }
        }
    }

    @Override
    public Decision onRequestBody(Exchange request, ByteBuffer chunk, boolean last, HeaderEdits edits) {
        byte[] bytes = new byte[chunk.remaining()];
        chunk.get(bytes);
        if (bodyMarker != null && new String(bytes, StandardCharsets.ISO_8859_1).contains(bodyMarker)) {
            return Decision.deny(403, "forbidden content");
        }
        if (last) {
            edits.setRequestHeader("X-Body-Checked", "yes");
        }
        return Decision.allow();
    }

    @Override
    public Decision onResponseHeaders(Exchange request, ResponseHead response, HeaderEdits edits) {
        if (withholdIfResponseHas != null && response.header(withholdIfResponseHas) != null) {
            return Decision.deny(403, "response withheld");
        }
        edits.setResponseHeader("X-Inspected", Integer.toString(response.status()));
        return Decision.allow();
    }
}

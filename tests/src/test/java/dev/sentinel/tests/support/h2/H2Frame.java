package dev.sentinel.tests.support.h2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * One HTTP/2 frame as read off the wire (RFC 9113 §4.1). {@code status} is the decoded {@code :status} of a
 * HEADERS frame that ends a response header block, else {@code null}.
 */
public record H2Frame(int type, int flags, int streamId, byte[] payload, Integer status) {
    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;

    public static final int END_STREAM = 0x1;
    public static final int ACK = 0x1;
    public static final int END_HEADERS = 0x4;

    public static final int NO_ERROR = 0x0;
    public static final int PROTOCOL_ERROR = 0x1;
    public static final int REFUSED_STREAM = 0x7;
    public static final int CANCEL = 0x8;
    public static final int ENHANCE_YOUR_CALM = 0xb;

    public static final int SETTINGS_MAX_CONCURRENT_STREAMS = 0x3;
    public static final int SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
    public static final int SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;
    public static final int SETTINGS_ENABLE_CONNECT_PROTOCOL = 0x8;

    public boolean has(int flag) {
        return (flags & flag) == flag;
    }

    /** The error code of a RST_STREAM or GOAWAY frame. */
    public int errorCode() {
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        return switch (type) {
            case RST_STREAM -> buffer.getInt();
            case GOAWAY -> buffer.getInt(4);
            default -> throw new IllegalStateException("no error code in frame type " + type);
        };
    }

    /** The last stream id a GOAWAY says the server processed. */
    public int lastStreamId() {
        return ByteBuffer.wrap(payload).getInt() & 0x7fffffff;
    }

    /** A GOAWAY's debug data, the server's reason in words. */
    public String debugData() {
        return new String(payload, 8, payload.length - 8, StandardCharsets.US_ASCII);
    }

    /** The parameters of a SETTINGS frame, by identifier. */
    public Map<Integer, Integer> settings() {
        Map<Integer, Integer> settings = new HashMap<>();
        ByteBuffer buffer = ByteBuffer.wrap(payload);
        while (buffer.remaining() >= 6) {
            settings.put(buffer.getShort() & 0xffff, buffer.getInt());
        }
        return settings;
    }

    /** Whether this frame closes stream {@code id} from the server's side. */
    public boolean ends(int id) {
        return streamId == id && (type == RST_STREAM || ((type == HEADERS || type == DATA) && has(END_STREAM)));
    }

    @Override
    public String toString() {
        String detail = switch (type) {
            case RST_STREAM -> " error=" + errorCode();
            case GOAWAY -> " last=" + lastStreamId() + " error=" + errorCode() + " '" + debugData() + "'";
            case HEADERS -> " status=" + status;
            case SETTINGS -> " " + settings();
            default -> " " + payload.length + " bytes";
        };
        return "frame{type=" + type + " flags=" + flags + " stream=" + streamId + detail + "}";
    }
}

package io.github.lwsjava;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A received message in pull style ({@link WebSocket#receive}): text or binary, or the close that ended it.
 *
 * @param kind what the message carries
 * @param text the text of a TEXT message, the reason of a CLOSE; null for BINARY
 * @param data the payload of a BINARY message; null otherwise
 * @param closeCode the close code of a CLOSE message; 0 otherwise
 */
public record Message(Kind kind, String text, ByteBuffer data, int closeCode) {

    /** What a {@link Message} carries. */
    public enum Kind {
        /** A text message: {@code text} is set. */
        TEXT,
        /** A binary message: {@code data} is set. */
        BINARY,
        /** The connection closed: {@code closeCode} and the reason in {@code text}; the last message. */
        CLOSE }

    /**
     * A text message.
     *
     * @param text the message
     * @return a message of kind TEXT
     */
    public static Message text(String text) {
        return new Message(Kind.TEXT, text, null, 0);
    }

    /**
     * A binary message.
     *
     * @param data the message
     * @return a message of kind BINARY
     */
    public static Message binary(ByteBuffer data) {
        return new Message(Kind.BINARY, null, data, 0);
    }

    /**
     * The connection closed with this code and reason.
     *
     * @param code the close code
     * @param reason the close reason
     * @return a message of kind CLOSE
     */
    public static Message close(int code, String reason) {
        return new Message(Kind.CLOSE, reason, null, code);
    }

    /** {@return the payload as text (binary payloads decoded as UTF-8; a close's reason)} */
    public String asText() {
        return kind == Kind.BINARY ? StandardCharsets.UTF_8.decode(data.duplicate()).toString() : text;
    }
}

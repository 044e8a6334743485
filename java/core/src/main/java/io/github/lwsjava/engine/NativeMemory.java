package io.github.lwsjava.engine;

import static io.github.lwsjava.lws.global.libwebsockets.lwsj_header;
import static io.github.lwsjava.lws.global.libwebsockets.lwsj_peer;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Views of native memory that the lwsj engine hands over as plain addresses: one reusable view per service
 * thread, so that reading a received message allocates nothing but its Java copy.
 */
final class NativeMemory extends BytePointer {

    private ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);
    private final byte[] text = new byte[4096];

    /** A pointer object for an address the engine gave (a wsi, a handle, an id stored as a pointer). */
    static Pointer pointer(long value) {
        return new Pointer() {
            {
                // (a parameter named "address" would be shadowed here by Pointer's own field)
                this.address = value;
            }
        };
    }

    /** Copies len bytes at address into a new array. */
    byte[] copy(long address, long len) {
        byte[] bytes = new byte[(int) len];
        if (len > 0) {
            this.address = address;
            this.position = 0;
            this.limit = len;
            this.capacity = len;
            get(bytes, 0, (int) len);
            this.address = 0;
        }
        return bytes;
    }

    /** Header token (enum lws_token_indexes) of wsi, or null when absent. Only while lws keeps the headers. */
    String header(long wsi, int token) {
        int n = lwsj_header(wsi, token, text, text.length);
        return n < 0 ? null : new String(text, 0, n, UTF_8);
    }

    /** The peer's address of wsi. */
    String peer(long wsi) {
        text[0] = 0;
        lwsj_peer(wsi, text, text.length);
        int n = 0;
        while (n < text.length && text[n] != 0) {
            n++;
        }
        return new String(text, 0, n, UTF_8);
    }

    /** A direct buffer holding the given bytes from position 0, valid until the next call. */
    ByteBuffer stage(byte[] data, int offset, int length) {
        ByteBuffer buffer = room(length);
        buffer.put(data, offset, length).flip();
        return buffer;
    }

    /** A direct buffer holding the remaining bytes of data (data's position is unchanged). */
    ByteBuffer stage(ByteBuffer data) {
        if (data.isDirect() && data.position() == 0) {
            return data;
        }
        ByteBuffer buffer = room(data.remaining());
        buffer.put(data.duplicate()).flip();
        return buffer;
    }

    private ByteBuffer room(int length) {
        if (scratch.capacity() < length) {
            scratch = ByteBuffer.allocateDirect(Math.max(length, scratch.capacity() * 2));
        }
        return scratch.clear();
    }
}

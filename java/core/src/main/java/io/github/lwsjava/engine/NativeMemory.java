package io.github.lwsjava.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.bytedeco.javacpp.BytePointer;

/**
 * Views of native memory that the lwsj engine hands over as plain addresses (payloads of events it calls in
 * place, valid during the call only): one reusable pointer per service thread.
 */
final class NativeMemory extends BytePointer {

    /** Copies len bytes at address into a new array. */
    byte[] copy(long address, long len) {
        byte[] bytes = new byte[(int) len];
        if (len > 0) {
            at(address, len);
            get(bytes, 0, (int) len);
            this.address = 0;
        }
        return bytes;
    }

    /** A buffer over len bytes at address, valid as long as the memory is (during the event that gave it). */
    ByteBuffer view(long address, long len) {
        if (len <= 0) {
            return ByteBuffer.allocate(0);
        }
        at(address, len);
        ByteBuffer view = asByteBuffer().order(ByteOrder.nativeOrder());
        this.address = 0;
        return view;
    }

    private void at(long address, long len) {
        this.address = address;
        this.position = 0;
        this.limit = len;
        this.capacity = len;
    }
}

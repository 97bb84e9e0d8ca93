package io.gantry.agent.node;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The wire form of the gRPC health service's two messages, {@code grpc.health.v1.HealthCheckRequest {string service
 * = 1}} and {@code HealthCheckResponse {ServingStatus status = 1}}, each in gRPC's length-prefixed frame. They are
 * one field each, so they are encoded here by hand rather than with protobuf's generated classes.
 */
final class HealthCheckMessages {
    /** The response's status; a number the enum does not know is kept as such. */
    record ServingStatus(int number) {
        static final ServingStatus UNKNOWN = new ServingStatus(0);
        static final ServingStatus SERVING = new ServingStatus(1);
        static final ServingStatus NOT_SERVING = new ServingStatus(2);
        static final ServingStatus SERVICE_UNKNOWN = new ServingStatus(3);

        private static final String[] NAMES = {"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"};

        /** The name as protobuf's generated code prints it: the number when the enum has no name for it. */
        String name() {
            return number >= 0 && number < NAMES.length ? NAMES[number] : Integer.toString(number);
        }
    }

    /** Thrown for bytes that are not a health check response. */
    static final class MalformedMessage extends Exception {
        MalformedMessage(String message) {
            super(message);
        }
    }

    private static final int VARINT = 0;
    private static final int FIXED64 = 1;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private HealthCheckMessages() {
    }

    /** The request for {@code service} ("" asks for the server as a whole), in a gRPC frame. */
    static ByteBuffer request(String service) {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        byte[] name = service.getBytes(StandardCharsets.UTF_8);
        if (name.length > 0) { // proto3 leaves out a field at its default
            writeVarint(message, 1 << 3 | LENGTH_DELIMITED);
            writeVarint(message, name.length);
            message.writeBytes(name);
        }
        return frame(message.toByteArray());
    }

    /** The response with {@code status}, in a gRPC frame (what a health server sends). */
    static ByteBuffer response(ServingStatus status) {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        if (status.number() != 0) {
            writeVarint(message, 1 << 3 | VARINT);
            writeVarint(message, status.number()); // int32: a negative one sign-extended to ten bytes
        }
        return frame(message.toByteArray());
    }

    /** {@code message} behind gRPC's prefix: not compressed, and its length as four bytes, big-endian. */
    static ByteBuffer frame(byte[] message) {
        return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).flip();
    }

    /** The message of the first complete frame in {@code body}, or null while the frame is not complete. */
    static byte[] unframe(ByteBuffer body) throws MalformedMessage {
        ByteBuffer in = body.duplicate();
        if (in.remaining() < 5) {
            return null;
        }
        if (in.get() != 0) {
            throw new MalformedMessage("compressed response (no grpc-encoding was offered)");
        }
        int length = in.getInt();
        if (length < 0) {
            throw new MalformedMessage("response frame of " + Integer.toUnsignedString(length) + " bytes");
        }
        if (in.remaining() < length) {
            return null;
        }
        byte[] message = new byte[length];
        in.get(message);
        return message;
    }

    /** The status of a response message; fields it does not know are skipped, as protobuf does. */
    static ServingStatus parseResponse(byte[] message) throws MalformedMessage {
        ServingStatus[] status = {ServingStatus.UNKNOWN};
        readFields(message, (field, varint, bytes) -> {
            if (field == 1 && bytes == null) {
                status[0] = new ServingStatus((int) varint); // enums are int32: the low bits
            }
        });
        return status[0];
    }

    /** The service a request message asks for ("" for the server as a whole). */
    static String parseRequest(byte[] message) throws MalformedMessage {
        String[] service = {""};
        readFields(message, (field, varint, bytes) -> {
            if (field == 1 && bytes != null) {
                service[0] = new String(bytes, StandardCharsets.UTF_8);
            }
        });
        return service[0];
    }

    /** One field of a message: a varint's value, or (for a length-delimited field) its bytes. */
    private interface FieldReader {
        void read(int field, long varint, byte[] bytes);
    }

    private static void readFields(byte[] message, FieldReader reader) throws MalformedMessage {
        ByteBuffer in = ByteBuffer.wrap(message);
        while (in.hasRemaining()) {
            long tag = readVarint(in);
            int field = (int) (tag >>> 3);
            switch ((int) (tag & 7)) {
                case VARINT -> reader.read(field, readVarint(in), null);
                case FIXED64 -> skip(in, 8);
                case LENGTH_DELIMITED -> {
                    long length = readVarint(in);
                    int at = in.position();
                    skip(in, length);
                    reader.read(field, 0, java.util.Arrays.copyOfRange(message, at, in.position()));
                }
                case FIXED32 -> skip(in, 4);
                default -> throw new MalformedMessage("wire type " + (tag & 7) + " of field " + field);
            }
        }
    }

    private static void writeVarint(ByteArrayOutputStream out, long value) {
        while ((value & ~0x7FL) != 0) {
            out.write((int) (value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write((int) value);
    }

    private static long readVarint(ByteBuffer in) throws MalformedMessage {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (!in.hasRemaining()) {
                throw new MalformedMessage("truncated varint");
            }
            byte b = in.get();
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new MalformedMessage("varint longer than 10 bytes");
    }

    private static void skip(ByteBuffer in, long length) throws MalformedMessage {
        if (length < 0 || length > in.remaining()) {
            throw new MalformedMessage("field of " + length + " bytes in " + in.remaining());
        }
        in.position(in.position() + (int) length);
    }
}

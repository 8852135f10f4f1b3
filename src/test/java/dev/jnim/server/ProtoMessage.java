package dev.jnim.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A minimal protobuf wire-format reader for the OTLP test collector: a message is a list of
 * (field number, value) pairs; length-delimited values are kept as bytes and parsed as nested
 * messages on demand. Enough for OTLP's traces and metrics (varint, fixed64, fixed32, bytes).
 * Written by hand rather than pulling in {@code opentelemetry-proto} and protobuf-java for the
 * tests: it reads the bytes on the wire, independently of the exporter's own serializer.
 */
final class ProtoMessage {

    private record Field(int number, int wireType, long value, byte[] bytes) {
    }

    private final List<Field> fields = new ArrayList<>();

    static ProtoMessage parse(byte[] b) {
        ProtoMessage m = new ProtoMessage();
        int[] pos = {0};
        while (pos[0] < b.length) {
            long key = varint(b, pos);
            int number = (int) (key >>> 3);
            int type = (int) (key & 7);
            switch (type) {
                case 0 -> m.fields.add(new Field(number, type, varint(b, pos), null));
                case 1 -> {
                    long v = 0;
                    for (int i = 7; i >= 0; i--) {
                        v = (v << 8) | (b[pos[0] + i] & 0xFF);
                    }
                    pos[0] += 8;
                    m.fields.add(new Field(number, type, v, null));
                }
                case 2 -> {
                    int len = (int) varint(b, pos);
                    byte[] v = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + len);
                    pos[0] += len;
                    m.fields.add(new Field(number, type, 0, v));
                }
                case 5 -> {
                    long v = 0;
                    for (int i = 3; i >= 0; i--) {
                        v = (v << 8) | (b[pos[0] + i] & 0xFF);
                    }
                    pos[0] += 4;
                    m.fields.add(new Field(number, type, v, null));
                }
                default -> throw new IllegalArgumentException("unsupported wire type " + type);
            }
        }
        return m;
    }

    private static long varint(byte[] b, int[] pos) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte x = b[pos[0]++];
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
    }

    List<ProtoMessage> messages(int number) {
        List<ProtoMessage> out = new ArrayList<>();
        for (Field f : fields) {
            if (f.number() == number && f.bytes() != null) {
                out.add(parse(f.bytes()));
            }
        }
        return out;
    }

    ProtoMessage message(int number) {
        List<ProtoMessage> m = messages(number);
        return m.isEmpty() ? null : m.getFirst();
    }

    byte[] bytes(int number) {
        for (Field f : fields) {
            if (f.number() == number && f.bytes() != null) {
                return f.bytes();
            }
        }
        return new byte[0];
    }

    String string(int number) {
        return new String(bytes(number), StandardCharsets.UTF_8);
    }

    String hex(int number) {
        return HexFormat.of().formatHex(bytes(number));
    }

    /** A varint or fixed value; 0 when absent (as protobuf's default). */
    long number(int number) {
        for (Field f : fields) {
            if (f.number() == number && f.bytes() == null) {
                return f.value();
            }
        }
        return 0;
    }

    boolean has(int number) {
        return fields.stream().anyMatch(f -> f.number() == number);
    }
}

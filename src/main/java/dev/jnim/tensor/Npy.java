package dev.jnim.tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reader for NumPy {@code .npy} files (format 1.0/2.0, little-endian, C order) of dtype
 * {@code <f4} or {@code <i8}, the two the golden fixtures use.
 */
public record Npy(String dtype, int[] shape, float[] floats, long[] longs) {

    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    public static Npy read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (all.length < 10 || (all[0] & 0xFF) != 0x93 || !new String(all, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IOException(file + ": not a .npy file");
        }
        int major = all[6];
        int headerLen;
        int dataStart;
        if (major == 1) {
            headerLen = buf.getShort(8) & 0xFFFF;
            dataStart = 10 + headerLen;
        } else {
            headerLen = buf.getInt(8);
            dataStart = 12 + headerLen;
        }
        String header = new String(all, dataStart - headerLen, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher f = FORTRAN.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) {
            throw new IOException(file + ": malformed .npy header: " + header.strip());
        }
        if (f.group(1).equals("True")) {
            throw new IOException(file + ": Fortran-ordered arrays are not supported");
        }
        String[] dims = s.group(1).split(",");
        int count = 0;
        for (String dim : dims) {
            if (!dim.isBlank()) {
                count++;
            }
        }
        int[] shape = new int[count];
        long n = 1;
        int i = 0;
        for (String dim : dims) {
            if (!dim.isBlank()) {
                shape[i] = Integer.parseInt(dim.strip());
                n *= shape[i++];
            }
        }
        String descr = d.group(1);
        buf.position(dataStart);
        return switch (descr) {
            case "<f4" -> {
                float[] out = new float[Math.toIntExact(n)];
                buf.asFloatBuffer().get(out);
                yield new Npy("float32", shape, out, null);
            }
            case "<i8" -> {
                long[] out = new long[Math.toIntExact(n)];
                buf.asLongBuffer().get(out);
                yield new Npy("int64", shape, null, out);
            }
            default -> throw new IOException(file + ": unsupported .npy dtype " + descr + " (supported: <f4, <i8)");
        };
    }

    public long size() {
        return floats != null ? floats.length : longs.length;
    }
}

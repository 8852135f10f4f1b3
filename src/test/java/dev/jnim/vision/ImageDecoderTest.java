package dev.jnim.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);

    private static Path golden(String name) throws Exception {
        return Path.of(ImageDecoderTest.class.getResource("/golden/preprocess/images/" + name).toURI());
    }

    @Test
    void pngModesAreThoseTheReferenceSees() throws Exception {
        assertThat(decoder.decode(Files.readAllBytes(golden("gray_120x80.png"))).mode()).isEqualTo(ImageMode.L);
        DecodedImage p = decoder.decode(Files.readAllBytes(golden("palette_90x60.png")));
        assertThat(p.mode()).isEqualTo(ImageMode.P);
        assertThat(p.palette()).hasSize(16 * 4);
        assertThat(decoder.decode(Files.readAllBytes(golden("rgba_transparent_96x64.png"))).mode()).isEqualTo(ImageMode.RGBA);
        DecodedImage rgb = decoder.decode(Files.readAllBytes(golden("pixel_1x1.png")));
        assertThat(rgb.mode()).isEqualTo(ImageMode.RGB);
        assertThat(rgb.pixels()).containsExactly((byte) 220, (byte) 151, (byte) 28);
        DecodedImage jpeg = decoder.decode(Files.readAllBytes(golden("photo_200x150.jpg")));
        assertThat(jpeg.mode()).isEqualTo(ImageMode.RGB);
        assertThat(jpeg.width()).isEqualTo(200);
    }

    @Test
    void gifFirstFrameIsPaletteAndBmpIsRgb() throws Exception {
        BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        img.setRGB(4, 2, 0x123456);
        DecodedImage bmp = decoder.decode(encode(img, "bmp"));
        assertThat(bmp.mode()).isEqualTo(ImageMode.RGB);
        assertThat(bmp.pixels()[(2 * 5 + 4) * 3]).isEqualTo((byte) 0x12);
        DecodedImage gif = decoder.decode(encode(img, "gif"));
        assertThat(gif.mode()).isEqualTo(ImageMode.P);
        assertThat(gif.width()).isEqualTo(5);
    }

    @Test
    void webpLosslessDecodesThroughTheTwelveMonkeysPlugin() {
        DecodedImage d = decoder.decode(solidWebpLossless(3, 2, 200, 100, 50));
        assertThat(d.width()).isEqualTo(3);
        assertThat(d.height()).isEqualTo(2);
        assertThat(d.mode() == ImageMode.RGB || d.mode() == ImageMode.RGBA).isTrue();
        int ch = d.mode().channels();
        assertThat(new int[] {d.pixels()[5 * ch] & 0xFF, d.pixels()[5 * ch + 1] & 0xFF, d.pixels()[5 * ch + 2] & 0xFF})
                .containsExactly(200, 100, 50);
    }

    /**
     * A one-colour lossless WebP written by hand (VP8L spec): no transforms, no colour cache, and five "simple"
     * prefix codes of one symbol each, so every pixel costs zero bits.
     */
    private static byte[] solidWebpLossless(int w, int h, int r, int g, int b) {
        BitWriter bits = new BitWriter();
        bits.put(0x2f, 8);
        bits.put(w - 1, 14);
        bits.put(h - 1, 14);
        bits.put(0, 1); // alpha not used
        bits.put(0, 3); // version
        bits.put(0, 1); // no transform
        bits.put(0, 1); // no colour cache
        bits.put(0, 1); // no meta prefix codes
        for (int symbol : new int[] {g, r, b, 255}) {
            bits.put(1, 1); // simple code
            bits.put(0, 1); // one symbol
            bits.put(1, 1); // 8-bit symbol
            bits.put(symbol, 8);
        }
        bits.put(1, 1); // distance code: simple, one symbol, 1-bit symbol 0
        bits.put(0, 1);
        bits.put(0, 1);
        bits.put(0, 1);
        // Trailing zero bytes: the plugin's bit reader fetches ahead of the last code it needs.
        byte[] packed = bits.bytes();
        byte[] vp8l = java.util.Arrays.copyOf(packed, packed.length + 8);
        int chunk = vp8l.length + (vp8l.length & 1);
        ByteBuffer out = ByteBuffer.allocate(20 + chunk).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes()).putInt(12 + chunk).put("WEBP".getBytes()).put("VP8L".getBytes()).putInt(vp8l.length).put(vp8l);
        return out.array();
    }

    /** LSB-first bit packer, as VP8L reads its stream. */
    private static final class BitWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int acc;
        private int used;

        void put(int value, int n) {
            for (int i = 0; i < n; i++) {
                acc |= ((value >> i) & 1) << used;
                if (++used == 8) {
                    out.write(acc);
                    acc = 0;
                    used = 0;
                }
            }
        }

        byte[] bytes() {
            if (used > 0) {
                out.write(acc);
                acc = 0;
                used = 0;
            }
            return out.toByteArray();
        }
    }

    @Test
    void exifOrientationSixRotatesClockwise() throws Exception {
        BufferedImage img = new BufferedImage(32, 16, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                img.setRGB(x, y, 0xFFFFFF); // left half white, right half black
            }
        }
        byte[] jpeg = withExifOrientation(encode(img, "jpeg"), 6);
        DecodedImage d = decoder.decode(jpeg);
        assertThat(d.width()).isEqualTo(16);
        assertThat(d.height()).isEqualTo(32);
        // Rotated clockwise, the white left half is now on top.
        assertThat(d.pixels()[(2 * 16 + 8) * 3] & 0xFF).isGreaterThan(200);
        assertThat(d.pixels()[(29 * 16 + 8) * 3] & 0xFF).isLessThan(50);
    }

    @Test
    void encodedSizeLimitIsCheckedFirst() {
        ImageDecoder small = new ImageDecoder(new ImageLimits(10, 1000));
        assertThatThrownBy(() -> small.decode(new byte[11])).isInstanceOf(ImageException.class)
                .hasMessage("image is 11 bytes, over the limit of 10 bytes");
    }

    @Test
    void decompressionBombIsRejectedFromTheHeader() throws Exception {
        // 60000 x 60000 declared, a few hundred bytes on the wire: must fail on the header, not on allocation.
        byte[] bomb = pngHeaderOnly(60000, 60000);
        assertThatThrownBy(() -> decoder.decode(bomb)).isInstanceOf(ImageException.class)
                .hasMessageContaining("60000x60000 = 3600000000 pixels, over the limit of 40000000 pixels");
    }

    @Test
    void garbageIsNotAnImage() {
        assertThatThrownBy(() -> decoder.decode("hello, world".getBytes())).isInstanceOf(ImageException.class)
                .hasMessageContaining("not a supported image");
        byte[] truncated = new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0};
        assertThatThrownBy(() -> decoder.decode(truncated)).isInstanceOf(ImageException.class)
                .hasMessageContaining("PNG image could not be decoded");
    }

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, format, out)).isTrue();
        return out.toByteArray();
    }

    /** Inserts an APP1 Exif segment (big-endian TIFF, one IFD0 entry: orientation) after SOI. */
    private static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26);
        tiff.put(new byte[] {'M', 'M', 0, 42}).putInt(8).putShort((short) 1)
                .putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0)
                .putInt(0);
        byte[] body = tiff.array();
        int len = 2 + 6 + body.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write(len >> 8);
        out.write(len & 0xFF);
        out.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        out.writeBytes(body);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** A PNG whose IHDR declares {@code w x h} RGB and whose IDAT holds one tiny compressed row. */
    private static byte[] pngHeaderOnly(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        Deflater d = new Deflater();
        d.setInput(new byte[100]);
        d.finish();
        byte[] buf = new byte[256];
        int n = d.deflate(buf);
        chunk(out, "IDAT", java.util.Arrays.copyOf(buf, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes();
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}

package dev.jnim.vision;

/**
 * The EXIF orientation tag of a JPEG (APP1 {@code Exif}, IFD0 tag 0x0112) and the transposition it asks for,
 * as {@code PIL.ImageOps.exif_transpose} applies it. Cameras store portrait photos sideways with this tag; without
 * it the model would see the picture rotated.
 */
final class ExifOrientation {

    private static final int TAG_ORIENTATION = 0x0112;

    private ExifOrientation() {
    }

    /** The orientation 1..8 from a JPEG's first Exif segment, or 1 when there is none or it is malformed. */
    static int read(byte[] jpeg) {
        int p = 2;
        while (p + 4 <= jpeg.length && (jpeg[p] & 0xFF) == 0xFF) {
            int marker = jpeg[p + 1] & 0xFF;
            if (marker == 0xDA || marker == 0xD9) {
                return 1; // start of scan: no Exif before the image data
            }
            int len = ((jpeg[p + 2] & 0xFF) << 8) | (jpeg[p + 3] & 0xFF);
            if (len < 2 || p + 2 + len > jpeg.length) {
                return 1;
            }
            if (marker == 0xE1 && len >= 8 && jpeg[p + 4] == 'E' && jpeg[p + 5] == 'x' && jpeg[p + 6] == 'i'
                    && jpeg[p + 7] == 'f' && jpeg[p + 8] == 0 && jpeg[p + 9] == 0) {
                return fromTiff(jpeg, p + 10, p + 2 + len);
            }
            p += 2 + len;
        }
        return 1;
    }

    private static int fromTiff(byte[] b, int start, int end) {
        if (start + 8 > end) {
            return 1;
        }
        boolean little;
        if (b[start] == 'I' && b[start + 1] == 'I') {
            little = true;
        } else if (b[start] == 'M' && b[start + 1] == 'M') {
            little = false;
        } else {
            return 1;
        }
        long ifd = u32(b, start + 4, little);
        if (ifd < 8 || start + ifd + 2 > end) {
            return 1;
        }
        int q = (int) (start + ifd);
        int entries = u16(b, q, little);
        for (int i = 0; i < entries; i++) {
            int e = q + 2 + 12 * i;
            if (e + 12 > end) {
                return 1;
            }
            if (u16(b, e, little) == TAG_ORIENTATION) {
                int v = u16(b, e + 8, little);
                return v >= 1 && v <= 8 ? v : 1;
            }
        }
        return 1;
    }

    private static int u16(byte[] b, int p, boolean little) {
        int a = b[p] & 0xFF;
        int c = b[p + 1] & 0xFF;
        return little ? a | (c << 8) : (a << 8) | c;
    }

    private static long u32(byte[] b, int p, boolean little) {
        long v = 0;
        for (int i = 0; i < 4; i++) {
            int shift = little ? 8 * i : 8 * (3 - i);
            v |= (long) (b[p + i] & 0xFF) << shift;
        }
        return v;
    }

    /** The image as it should be displayed for this orientation (1 returns it unchanged). */
    static DecodedImage apply(DecodedImage img, int orientation) {
        if (orientation == 1) {
            return img;
        }
        int w = img.width();
        int h = img.height();
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        int ch = img.mode().channels();
        byte[] src = img.pixels();
        byte[] out = new byte[src.length];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                // (sx, sy): the stored pixel displayed at (x, y).
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; }
                }
                System.arraycopy(src, (sy * w + sx) * ch, out, (y * ow + x) * ch, ch);
            }
        }
        return new DecodedImage(ow, oh, img.mode(), out, img.palette());
    }
}

package dev.jnim.vision;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Bytes to {@link DecodedImage}: PNG, JPEG (EXIF orientation applied), WebP, GIF (first frame) and BMP, through
 * {@code javax.imageio} and the TwelveMonkeys WebP plugin. The mode is the one Pillow reports for the same file
 * (grey PNG is {@code L}, palette PNG/GIF is {@code P}, ...), because the image processors branch on it.
 *
 * <p>Limits are enforced before decoding: the encoded size first, then the pixel count read from the header,
 * so a decompression bomb never gets a pixel buffer. Thread-safe; decode runs on the caller's thread.
 */
public final class ImageDecoder {

    private final ImageLimits limits;

    public ImageDecoder(ImageLimits limits) {
        this.limits = limits;
    }

    /** The decoded image, or an {@link ImageException} saying why the bytes are refused. */
    public DecodedImage decode(byte[] bytes) {
        if (bytes.length > limits.maxEncodedBytes()) {
            throw new ImageException("image is " + bytes.length + " bytes, over the limit of "
                    + limits.maxEncodedBytes() + " bytes");
        }
        ImageFormat format = ImageFormat.sniff(bytes);
        if (format == null) {
            throw new ImageException("not a supported image (expected PNG, JPEG, WebP, GIF or BMP data)");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.imageIoName());
        if (!readers.hasNext()) {
            throw new ImageException("no decoder available for " + format);
        }
        ImageReader reader = readers.next();
        // An in-memory stream: ImageIO's default would cache to temporary files on disk for every request.
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width <= 0 || height <= 0) {
                throw new ImageException(format + " image declares an empty size " + width + "x" + height);
            }
            long pixels = (long) width * height;
            if (pixels > limits.maxPixels()) {
                throw new ImageException(format + " image is " + width + "x" + height + " = " + pixels
                        + " pixels, over the limit of " + limits.maxPixels() + " pixels");
            }
            BufferedImage image = reader.read(0);
            DecodedImage decoded = fromBufferedImage(image);
            return format == ImageFormat.JPEG ? ExifOrientation.apply(decoded, ExifOrientation.read(bytes)) : decoded;
        } catch (ImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO reports corrupt data as IIOException or as unchecked exceptions from the codec.
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new ImageException(format + " image could not be decoded: " + why, e);
        } finally {
            reader.dispose();
        }
    }

    private static DecodedImage fromBufferedImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        if (cm instanceof IndexColorModel icm && raster.getNumBands() == 1) {
            byte[] palette = new byte[icm.getMapSize() * 4];
            for (int i = 0; i < icm.getMapSize(); i++) {
                palette[4 * i] = (byte) icm.getRed(i);
                palette[4 * i + 1] = (byte) icm.getGreen(i);
                palette[4 * i + 2] = (byte) icm.getBlue(i);
                palette[4 * i + 3] = (byte) icm.getAlpha(i);
            }
            return new DecodedImage(w, h, ImageMode.P, samples(raster, w, h, 1, 8), palette);
        }
        int bands = raster.getNumBands();
        boolean eightBitOrWider = true;
        for (int s : cm.getComponentSize()) {
            eightBitOrWider &= s >= 8 && s <= 16;
        }
        if (eightBitOrWider && bands == cm.getNumComponents()) {
            int bits = cm.getComponentSize(0);
            ImageMode mode = switch (bands) {
                case 1 -> ImageMode.L;
                case 2 -> ImageMode.LA;
                case 3 -> ImageMode.RGB;
                case 4 -> cm.hasAlpha() ? ImageMode.RGBA : null;
                default -> null;
            };
            // Raw samples even under an embedded ICC profile: Pillow ignores the profile, so the reference does.
            boolean rgbSpace = bands < 3 || cm.getColorSpace().getType() == ColorSpace.TYPE_RGB;
            if (mode != null && rgbSpace) {
                return new DecodedImage(w, h, mode, samples(raster, w, h, bands, bits), null);
            }
        }
        // Anything else (5-6-5 BMP, non-RGB colour spaces): let Java convert to sRGB, keeping alpha if present.
        boolean alpha = cm.hasAlpha();
        int ch = alpha ? 4 : 3;
        byte[] out = new byte[w * h * ch];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int o = (y * w + x) * ch;
                out[o] = (byte) (argb >> 16);
                out[o + 1] = (byte) (argb >> 8);
                out[o + 2] = (byte) argb;
                if (alpha) {
                    out[o + 3] = (byte) (argb >>> 24);
                }
            }
        }
        return new DecodedImage(w, h, alpha ? ImageMode.RGBA : ImageMode.RGB, out, null);
    }

    /** Interleaved 8-bit samples; 16-bit samples keep their high byte, as Pillow's {@code RGB;16B} unpacker. */
    private static byte[] samples(Raster raster, int w, int h, int bands, int bits) {
        byte[] out = new byte[w * h * bands];
        int[] row = new int[w * bands];
        int shift = bits - 8;
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            int base = y * w * bands;
            for (int i = 0; i < row.length; i++) {
                out[base + i] = (byte) (row[i] >> shift);
            }
        }
        return out;
    }
}

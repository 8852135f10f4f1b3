package dev.jnim.vision;

/** Pixel layout of a decoded image, named as Pillow names the mode the reference sees after {@code Image.open}. */
public enum ImageMode {
    /** 8-bit grey. */
    L(1),
    /** 8-bit grey + alpha. */
    LA(2),
    /** 8-bit palette indices; the palette travels with the image. */
    P(1),
    /** 8-bit red, green, blue. */
    RGB(3),
    /** 8-bit red, green, blue, alpha (not premultiplied). */
    RGBA(4);

    private final int channels;

    ImageMode(int channels) {
        this.channels = channels;
    }

    /** Bytes per pixel in {@link DecodedImage#pixels()}. */
    public int channels() {
        return channels;
    }
}

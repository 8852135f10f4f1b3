package dev.jnim.vision;

import dev.jnim.vision.preprocess.ImageProcessor;
import dev.jnim.vision.preprocess.ProcessedImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Preprocessing time per image, single thread (as on a request's thread), for each processor's real-checkpoint
 * settings (the {@code preprocessor_config.json} of the golden folders) on 640x480 and 2048x1536 RGB inputs
 * (smooth gradients plus noise, like a photo), and JPEG decoding of the same images.
 * Run: {@code ./jnim bench jmh Preprocess -f 1 -wi 2 -i 3}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PreprocessBenchmark {

    @Param({"idefics3-smolvlm-256m-instruct", "clip-llava-1.5", "qwen2vl-qwen2-vl-2b-instruct", "mllama-llama-3.2-11b-vision"})
    public String settings;

    @Param({"640x480", "2048x1536"})
    public String size;

    private ImageProcessor processor;
    private DecodedImage image;
    private byte[] jpeg;
    private ImageDecoder decoder;

    @Setup(Level.Trial)
    public void setUp() throws URISyntaxException, IOException {
        Path root = Path.of(PreprocessBenchmark.class.getResource("/golden/preprocess/index.json").toURI()).getParent();
        processor = ImageProcessor.fromConfig(root.resolve(settings).resolve("preprocessor_config.json"));
        String[] wh = size.split("x");
        int w = Integer.parseInt(wh[0]);
        int h = Integer.parseInt(wh[1]);
        image = photoLike(w, h, 7);
        jpeg = toJpeg(image);
        decoder = new ImageDecoder(ImageLimits.DEFAULT);
    }

    @Benchmark
    public ProcessedImage process() {
        return processor.process(image);
    }

    @Benchmark
    public DecodedImage decodeJpeg() {
        return decoder.decode(jpeg);
    }

    static DecodedImage photoLike(int w, int h, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                px[o] = (byte) Math.clamp(255L * x / w + rnd.nextInt(-12, 13), 0, 255);
                px[o + 1] = (byte) Math.clamp(255L * y / h + rnd.nextInt(-12, 13), 0, 255);
                px[o + 2] = (byte) Math.clamp(128 + (long) (100 * Math.sin((x + y) / 40.0)) + rnd.nextInt(-12, 13), 0, 255);
            }
        }
        return new DecodedImage(w, h, ImageMode.RGB, px, null);
    }

    private static byte[] toJpeg(DecodedImage img) throws IOException {
        BufferedImage bi = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
        byte[] p = img.pixels();
        for (int i = 0; i < img.width() * img.height(); i++) {
            bi.setRGB(i % img.width(), i / img.width(), (p[3 * i] & 0xFF) << 16 | (p[3 * i + 1] & 0xFF) << 8 | (p[3 * i + 2] & 0xFF));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(bi, "jpeg", out);
        return out.toByteArray();
    }
}

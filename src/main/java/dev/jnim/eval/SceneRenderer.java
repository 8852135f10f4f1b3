package dev.jnim.eval;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Draws a {@link Scene} with Java2D (antialiased, canonical colours, DejaVu Sans Bold text). The geometry
 * is the training recipe's ({@code scenes.shape_polygon}); the renderer is not, which is the point: the model
 * must recognise scenes drawn by a renderer it never saw.
 */
public final class SceneRenderer {

    private final int size;

    /** @param size width and height of the image in pixels */
    public SceneRenderer(int size) {
        if (size < 16) {
            throw new IllegalArgumentException("scene size must be at least 16 pixels, got " + size);
        }
        this.size = size;
    }

    public BufferedImage render(Scene scene) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setColor(SceneVocabulary.BACKGROUNDS.get(scene.background()));
            g.fillRect(0, 0, size, size);
            for (Scene.SceneObject o : scene.objects()) {
                double[] c = SceneVocabulary.slotCentre(o.slot());
                double cx = (c[0] + o.dx()) * size;
                double cy = (c[1] + o.dy()) * size;
                double r = o.size() * size / 2;
                g.setColor(SceneVocabulary.COLOURS.get(o.colour()));
                if (o.shape().equals("circle")) {
                    g.fill(new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r));
                } else {
                    g.fill(polygon(o.shape(), cx, cy, r, o.angleDegrees()));
                }
            }
            scene.text().ifPresent(d -> {
                double[] c = SceneVocabulary.slotCentre(d.slot());
                g.setFont(new Font("DejaVu Sans", Font.BOLD, d.fontPixels(size)));
                g.setColor(SceneVocabulary.COLOURS.get(d.colour()));
                FontMetrics fm = g.getFontMetrics();
                double x = (c[0] + d.dx()) * size - fm.stringWidth(d.text()) / 2.0;
                double y = (c[1] + d.dy()) * size + (fm.getAscent() - fm.getDescent()) / 2.0;
                g.drawString(d.text(), (float) x, (float) y);
            });
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The scene as PNG bytes. */
    public byte[] png(Scene scene) {
        var out = new ByteArrayOutputStream();
        try {
            ImageIO.write(render(scene), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Vertices as in the recipe: unit shape of radius r, rotated about its centre. */
    static Path2D polygon(String shape, double cx, double cy, double r, double angleDegrees) {
        double[][] pts = switch (shape) {
            case "square" -> {
                double h = 0.85 * r;
                yield new double[][] {{-h, -h}, {h, -h}, {h, h}, {-h, h}};
            }
            case "triangle" -> {
                double[][] p = new double[3][];
                int[] angles = {-90, 30, 150};
                for (int i = 0; i < 3; i++) {
                    double a = Math.toRadians(angles[i]);
                    p[i] = new double[] {r * Math.cos(a), r * Math.sin(a) + 0.12 * r};
                }
                yield p;
            }
            case "star" -> {
                double[][] p = new double[10][];
                for (int k = 0; k < 10; k++) {
                    double rad = k % 2 == 0 ? r : 0.45 * r;
                    double a = Math.toRadians(-90 + 36 * k);
                    p[k] = new double[] {rad * Math.cos(a), rad * Math.sin(a) + 0.08 * r};
                }
                yield p;
            }
            case "cross" -> {
                double w = 0.33 * r;
                yield new double[][] {{-w, -r}, {w, -r}, {w, -w}, {r, -w}, {r, w}, {w, w}, {w, r}, {-w, r},
                        {-w, w}, {-r, w}, {-r, -w}, {-w, -w}};
            }
            case "diamond" -> new double[][] {{0, -r}, {0.7 * r, 0}, {0, r}, {-0.7 * r, 0}};
            default -> throw new IllegalArgumentException("unknown shape " + shape);
        };
        double a = Math.toRadians(angleDegrees);
        double ca = Math.cos(a);
        double sa = Math.sin(a);
        Path2D.Double path = new Path2D.Double();
        for (int i = 0; i < pts.length; i++) {
            double x = cx + pts[i][0] * ca - pts[i][1] * sa;
            double y = cy + pts[i][0] * sa + pts[i][1] * ca;
            if (i == 0) {
                path.moveTo(x, y);
            } else {
                path.lineTo(x, y);
            }
        }
        path.closePath();
        return path;
    }

    /** For tests: the colour at a pixel. */
    static Color pixel(BufferedImage img, int x, int y) {
        return new Color(img.getRGB(x, y));
    }
}

package dev.jnim.vision.preprocess;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jnim.vision.ImageDecoder;
import dev.jnim.vision.ImageException;
import dev.jnim.vision.ImageLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs image-processor golden cases laid out as {@code golden/preprocess} (see its README): for every settings
 * folder, every image is decoded, processed and expanded, and each output is compared with the reference:
 * whole arrays element by element, large arrays by sha256 (bit-exact) or else by their statistics and 2048
 * samples, expected errors by message. Pixel values may differ by one uint8 level after normalisation (README
 * "Tolerances"); integer arrays, shapes, token counts and expanded prompts must be exact.
 */
public final class GoldenPreprocessRunner {

    private final Path dir;
    private final int show;
    private final ObjectMapper json = new ObjectMapper();
    private final ImageDecoder decoder = new ImageDecoder(ImageLimits.DEFAULT);

    public GoldenPreprocessRunner(Path dir, int show) {
        this.dir = dir;
        this.show = show;
    }

    /** Every settings folder of the directory, in {@code index.json} order when there is one. */
    public GoldenPreprocessReport runAll() throws IOException {
        List<GoldenPreprocessReport.FolderResult> out = new ArrayList<>();
        for (Path folder : settingsFolders()) {
            out.add(runFolder(folder));
        }
        return new GoldenPreprocessReport(out);
    }

    private List<Path> settingsFolders() throws IOException {
        Path index = dir.resolve("index.json");
        List<Path> folders = new ArrayList<>();
        if (Files.isRegularFile(index)) {
            for (JsonNode s : json.readTree(index.toFile()).path("settings")) {
                folders.add(dir.resolve(s.asText()));
            }
            return folders;
        }
        try (Stream<Path> list = Files.list(dir)) {
            list.filter(p -> Files.isRegularFile(p.resolve("case.json"))).sorted().forEach(folders::add);
        }
        return folders;
    }

    /** One settings folder: each entry of {@code case.json}'s {@code results} is one image case. */
    public GoldenPreprocessReport.FolderResult runFolder(Path folder) throws IOException {
        JsonNode kase = json.readTree(folder.resolve("case.json").toFile());
        String name = folder.getFileName().toString();
        ImageProcessor processor;
        PromptExpander expander;
        try {
            processor = ImageProcessor.fromConfig(folder.resolve(kase.path("preprocessor_config").asText("preprocessor_config.json")));
            expander = PromptExpander.of(kase.path("processor_class").asText(), kase.path("processor_kwargs"), processor);
        } catch (ImageException e) {
            return new GoldenPreprocessReport.FolderResult(name, 0, kase.path("results").size(), 0,
                    List.of("settings: " + e.getMessage()));
        }
        int passed = 0;
        int failed = 0;
        int exact = 0;
        List<String> failures = new ArrayList<>();
        for (JsonNode result : kase.path("results")) {
            GoldenImageCheck check = new GoldenImageCheck(folder, result, processor, expander, decoder);
            List<String> problems = check.run();
            if (problems.isEmpty()) {
                passed++;
                if (check.bitExact()) {
                    exact++;
                }
            } else {
                failed++;
                for (String p : problems) {
                    if (failures.size() < show) {
                        failures.add(result.path("image").asText() + ": " + p);
                    }
                }
            }
        }
        return new GoldenPreprocessReport.FolderResult(name, passed, failed, exact, failures);
    }
}

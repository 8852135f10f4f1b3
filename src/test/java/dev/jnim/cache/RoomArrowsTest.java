package dev.jnim.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The dependency arrows of DESIGN.md for the configuration rooms, checked on the sources' imports. */
class RoomArrowsTest {

    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "config", Set.of(),
            "hardware", Set.of("config"),
            "manifest", Set.of("config", "hardware"),
            "cache", Set.of("config", "manifest"));

    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.jnim\\.([a-z]+)\\.", Pattern.MULTILINE);

    @Test
    void roomsImportOnlyWhatTheDesignAllows() throws IOException {
        for (var room : ALLOWED.entrySet()) {
            Set<String> used = new TreeSet<>();
            try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/jnim", room.getKey()))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = IMPORT.matcher(Files.readString(f));
                    while (m.find()) {
                        used.add(m.group(1));
                    }
                }
            }
            used.remove(room.getKey());
            assertThat(room.getValue()).as("rooms used by %s", room.getKey()).containsAll(used);
        }
    }
}

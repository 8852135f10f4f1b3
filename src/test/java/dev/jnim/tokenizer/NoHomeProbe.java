package dev.jnim.tokenizer;

import java.nio.file.Path;
import java.util.Arrays;

/** Child-process entry point of {@link NativeLibraryTest}: loads a tokenizer and prints the ids of "Hello". */
public final class NoHomeProbe {

    private NoHomeProbe() {
    }

    public static void main(String[] args) {
        try (LoadedTokenizer loaded = TokenizerLoader.load(Path.of(args[0]))) {
            System.out.println("ids=" + Arrays.toString(loaded.tokenizer().encode("Hello", false)));
        }
    }
}

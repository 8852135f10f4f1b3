package dev.jnim.cache;

/**
 * Progress of file downloads. Each call comes from the thread doing that download; a listener shared by
 * several downloading threads must be thread-safe (both jnim listeners are, by synchronising). The CLI
 * draws a bar on a terminal; elsewhere {@link LoggingProgress} writes periodic log lines.
 */
public interface ProgressListener {

    /** A download of {@code name} starts at {@code offset} (resumed bytes) of {@code total} (-1 if unknown). */
    void started(String name, long offset, long total);

    /** {@code done} bytes of the file are now on disk. */
    void advanced(String name, long done, long total);

    /** The file is complete and verified. */
    void finished(String name, long total);
}

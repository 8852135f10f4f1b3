package dev.jnim.tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Large off-heap regions whose pages are committed only when first touched. On Linux and macOS
 * this is an anonymous {@code mmap} with {@code MAP_NORESERVE} (called through FFM), so a KV pool
 * of many gigabytes costs nothing until blocks are written. Elsewhere it falls back to
 * {@link Arena#allocate}, which zero-fills (and so commits) the memory up front.
 *
 * <p>Thread-safe: regions are independent; {@link Region#close()} must be called once, after every
 * reader is done.
 */
public final class OffHeap {

    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_PRIVATE = 0x02;
    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase().contains("linux");
    private static final int MAP_ANONYMOUS = LINUX ? 0x20 : 0x1000;
    private static final int MAP_NORESERVE = LINUX ? 0x4000 : 0x40;

    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;

    static {
        MethodHandle mmap = null;
        MethodHandle munmap = null;
        try {
            Linker linker = Linker.nativeLinker();
            Optional<MemorySegment> m = linker.defaultLookup().find("mmap");
            Optional<MemorySegment> u = linker.defaultLookup().find("munmap");
            if (m.isPresent() && u.isPresent()) {
                mmap = linker.downcallHandle(m.get(), FunctionDescriptor.of(ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                munmap = linker.downcallHandle(u.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
            }
        } catch (RuntimeException | LinkageError e) {
            // No native access (e.g. --enable-native-access missing): use the Arena fallback.
            mmap = null;
            munmap = null;
        }
        MMAP = mmap;
        MUNMAP = munmap;
    }

    private OffHeap() {
    }

    /** An off-heap region; {@link #segment()} is valid until {@link #close()}. */
    public interface Region extends AutoCloseable {
        MemorySegment segment();

        @Override
        void close();
    }

    /** Reserves {@code bytes} of zero-initialised memory, committed lazily where the OS allows. */
    public static Region allocate(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("region size must be positive: " + bytes);
        }
        if (MMAP != null) {
            try {
                MemorySegment addr = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, bytes,
                        PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0L);
                if (addr.address() != -1L && addr.address() != 0L) {
                    return new MappedRegion(addr.reinterpret(bytes), bytes);
                }
            } catch (Throwable t) {
                throw new IllegalStateException("mmap of " + bytes + " bytes failed", t);
            }
            throw new OutOfMemoryError("mmap of " + bytes + " bytes failed");
        }
        Arena arena = Arena.ofShared();
        MemorySegment seg = arena.allocate(bytes, 64);
        return new Region() {
            @Override
            public MemorySegment segment() {
                return seg;
            }

            @Override
            public void close() {
                arena.close();
            }
        };
    }

    /**
     * The same native memory as {@code segment}, seen through the global scope: kernels reading it
     * skip the per-access liveness check. The caller keeps {@code segment}'s owner alive (and the
     * arena open) for as long as the view is used.
     */
    static MemorySegment unscoped(MemorySegment segment) {
        return MemorySegment.ofAddress(segment.address()).reinterpret(segment.byteSize());
    }

    private record MappedRegion(MemorySegment segment, long bytes) implements Region {
        @Override
        public void close() {
            try {
                int rc = (int) MUNMAP.invokeExact(segment, bytes);
                if (rc != 0) {
                    throw new IllegalStateException("munmap failed with " + rc);
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("munmap failed", t);
            }
        }
    }
}

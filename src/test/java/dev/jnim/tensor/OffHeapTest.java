package dev.jnim.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class OffHeapTest {

    @Test
    void largeRegionIsZeroedAndWritableAndCostsOnlyWhatIsTouched() {
        long bytes = 4L << 30; // 4 GiB reserved: only possible because pages are committed lazily
        try (OffHeap.Region r = OffHeap.allocate(bytes)) {
            assertThat(r.segment().byteSize()).isEqualTo(bytes);
            assertThat(r.segment().get(ValueLayout.JAVA_FLOAT, bytes - 4)).isZero();
            r.segment().set(ValueLayout.JAVA_FLOAT, bytes / 2, 3.5f);
            assertThat(r.segment().get(ValueLayout.JAVA_FLOAT, bytes / 2)).isEqualTo(3.5f);
        }
    }
}

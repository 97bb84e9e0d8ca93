package io.gantry.runtime.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OverlayMountTest {

    @Test
    void optionsListLowerDirsTopmostFirst() {
        String options = OverlayMount.options(List.of(Path.of("/l/top"), Path.of("/l/base")), Path.of("/c/upper"),
                Path.of("/c/work"), 4096);

        assertThat(options).isEqualTo("lowerdir=/l/top:/l/base,upperdir=/c/upper,workdir=/c/work");
    }

    @Test
    void optionsLongerThanAPageFailClearly() {
        List<Path> layers = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            layers.add(Path.of("/var/lib/gantry/images/layers/sha256-" + "0123456789abcdef".repeat(4) + "-" + i));
        }

        assertThatThrownBy(() -> OverlayMount.options(layers, Path.of("/u"), Path.of("/w"), 4096))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("60 lower directories")
                .hasMessageContaining("at most 4095");
        assertThat(OverlayMount.options(layers.subList(0, 10), Path.of("/u"), Path.of("/w"), 4096)).startsWith("lowerdir=");
    }

    @Test
    void pathsOverlayCannotExpressAreRejected() {
        assertThatThrownBy(() -> OverlayMount.options(List.of(Path.of("/a:b")), Path.of("/u"), Path.of("/w"), 4096))
                .hasMessageContaining("':'");
        assertThatThrownBy(() -> OverlayMount.options(List.of(Path.of("/a")), Path.of("/u,x"), Path.of("/w"), 4096))
                .hasMessageContaining("','");
    }

    @Test
    void waitStatusesDecodeLikeTheShell() {
        assertThat(ExitStatus.fromWaitStatus(3 << 8)).isEqualTo(new ExitStatus(3, 0));
        assertThat(ExitStatus.fromWaitStatus(0)).isEqualTo(new ExitStatus(0, 0));
        assertThat(ExitStatus.fromWaitStatus(9)).isEqualTo(new ExitStatus(137, 9));
        assertThat(ExitStatus.fromWaitStatus(15 | 0x80)).as("core dumped").isEqualTo(new ExitStatus(143, 15));
    }

    @Test
    void mountinfoEscapesAreDecoded() {
        assertThat(MountTable.unescape("/mnt/with\\040space")).isEqualTo("/mnt/with space");
        assertThat(MountTable.unescape("/plain")).isEqualTo("/plain");
    }
}

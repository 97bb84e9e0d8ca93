package io.gantry.network.ns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MountTableTest {

    @Test
    void parsesMountPointTypeAndPropagation() {
        MountTable.Mount shared = MountTable.parse(
                "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue");
        MountTable.Mount nsfs = MountTable.parse("46 42 0:4 net:[4026532179] /run/gantry/ns/p/net rw - nsfs nsfs rw");

        assertThat(shared).isEqualTo(new MountTable.Mount(Path.of("/mnt2"), "ext3", true));
        assertThat(nsfs).isEqualTo(new MountTable.Mount(Path.of("/run/gantry/ns/p/net"), "nsfs", false));
        assertThat(MountTable.parse("garbage")).isNull();
    }

    @Test
    void unescapesOctalSequencesInPaths() {
        assertThat(MountTable.unescape("/tmp/with\\040space\\011tab\\134slash")).isEqualTo("/tmp/with space\ttab\\slash");
        assertThat(MountTable.unescape("/tmp/trailing\\04")).isEqualTo("/tmp/trailing\\04");
    }
}

package io.gantry.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a stand-in file: the real sysctl is exercised by every PodNetworkTest set-up. */
class IpForwardingTest {

    @Test
    void switchesForwardingOnOnlyWhenItIsOff(@TempDir Path dir) throws Exception {
        Path sysctl = Files.writeString(dir.resolve("ip_forward"), "0\n");
        IpForwarding forwarding = new IpForwarding(sysctl);

        assertThat(forwarding.ensureEnabled()).isTrue();
        assertThat(Files.readString(sysctl).strip()).isEqualTo("1");
        assertThat(forwarding.ensureEnabled()).isFalse();
    }
}

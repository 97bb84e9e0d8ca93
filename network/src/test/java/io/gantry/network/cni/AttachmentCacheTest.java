package io.gantry.network.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttachmentCacheTest {

    private static final NetworkConfigList LIST = NetworkConfigList.parse("""
            {"cniVersion":"1.0.0","name":"pods","plugins":[{"type":"bridge"},{"type":"portmap"}]}""");

    @TempDir
    Path dir;

    @Test
    void storesLoadsAndDeletesAnAttachment() throws Exception {
        AttachmentCache cache = new AttachmentCache(dir);
        CniRuntimeArgs args = CniRuntimeArgs.of("pod-1", Path.of("/run/gantry/ns/pod-1/net"), "eth0")
                .withCniArg("IgnoreUnknown", "1")
                .withCapability("portMappings", new ObjectMapper().readTree("[{\"hostPort\":80}]"));
        CniResult result = CniResult.parse("{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.0.0.2/24\"}]}");
        CniAttachment attachment = new CniAttachment(LIST, args, 2, Optional.of(result));

        cache.store(attachment);

        assertThat(cache.load("pods", "pod-1", "eth0")).contains(attachment);
        assertThat(cache.load("pods", "pod-2", "eth0")).isEmpty();
        cache.delete("pods", "pod-1", "eth0");
        assertThat(cache.load("pods", "pod-1", "eth0")).isEmpty();
        assertThat(dir).isEmptyDirectory();
        cache.delete("pods", "pod-1", "eth0");
    }

    @Test
    void anUnreadableRecordIsAnErrorNotAMissingOne() throws Exception {
        Path file = Files.createDirectories(dir.resolve("pods/pod-1")).resolve("eth0.json");
        Files.writeString(file, "{ torn");

        assertThatThrownBy(() -> new AttachmentCache(dir).load("pods", "pod-1", "eth0"))
                .hasMessageContaining(file.toString());
    }
}

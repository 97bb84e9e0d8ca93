package io.gantry.agent.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node agent's pure rules: environment, command line, phase, back-off and projected files. */
class PodLogicTest {
    @TempDir
    Path dir;

    private static ObjectNode pod(String yaml) throws Exception {
        return (ObjectNode) Json.YAML.readTree(yaml);
    }

    private static final EnvResolver.Sources SOURCES = new EnvResolver.Sources() {
        @Override
        public Optional<ObjectNode> configMap(String name) {
            if (!name.equals("settings")) {
                return Optional.empty();
            }
            ObjectNode cm = Json.object();
            cm.putObject("data").put("MODE", "fast").put("not a name", "skipped");
            return Optional.of(cm);
        }

        @Override
        public Optional<ObjectNode> secret(String name) {
            if (!name.equals("creds")) {
                return Optional.empty();
            }
            ObjectNode s = Json.object();
            s.putObject("data").put("password", Base64.getEncoder().encodeToString("s3cret".getBytes(StandardCharsets.UTF_8)));
            return Optional.of(s);
        }
    };

    @Test
    void environmentFollowsKubernetesOrderExpansionAndSources() throws Exception {
        ObjectNode pod = pod("""
                metadata: {name: web-1, namespace: shop, uid: u-1, labels: {app: web}}
                spec:
                  nodeName: n1
                  containers:
                  - name: web
                    resources: {limits: {memory: 64Mi}}
                    envFrom: [{configMapRef: {name: settings}, prefix: CFG_}]
                    env:
                    - {name: GREETING, value: hello}
                    - {name: MESSAGE, value: "$(GREETING) world $$(GREETING) $(UNKNOWN)"}
                    - {name: PASSWORD, valueFrom: {secretKeyRef: {name: creds, key: password}}}
                    - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                    - {name: APP, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
                    - {name: IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
                    - {name: MEM_MI, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
                    - {name: PATH, value: /custom}
                """);
        EnvResolver resolver = new EnvResolver(pod, SOURCES, "192.0.2.1", "10.244.0.5", Map.of("cpu", "2"));
        List<String> env = resolver.resolve(List.of("PATH=/usr/bin", "HOME=/root"), pod.path("spec").path("containers").get(0));
        assertThat(env).containsExactly("PATH=/custom", "HOME=/root", "CFG_MODE=fast", "GREETING=hello",
                "MESSAGE=hello world $(GREETING) $(UNKNOWN)", "PASSWORD=s3cret", "POD=web-1", "APP=web",
                "IP=10.244.0.5", "MEM_MI=64");
    }

    @Test
    void aMissingRequiredKeyStopsTheContainerButAnOptionalOneIsSkipped() throws Exception {
        ObjectNode pod = pod("""
                metadata: {name: p, namespace: ns}
                spec:
                  containers:
                  - name: c
                    env:
                    - {name: A, valueFrom: {configMapKeyRef: {name: absent, key: k, optional: true}}}
                    - {name: B, valueFrom: {configMapKeyRef: {name: settings, key: nope}}}
                """);
        EnvResolver resolver = new EnvResolver(pod, SOURCES, "h", "p", Map.of());
        assertThatThrownBy(() -> resolver.resolve(List.of(), pod.path("spec").path("containers").get(0)))
                .isInstanceOf(EnvResolver.ConfigException.class)
                .hasMessage("couldn't find key nope in ConfigMap ns/settings");
    }

    @Test
    void commandReplacesEntrypointAndDropsCmdWhileArgsReplaceCmd() throws Exception {
        ContainerEngine.ImageInfo image = new ContainerEngine.ImageInfo("img", "sha256:x", List.of("/entry"),
                List.of("default-arg"), List.of(), "/", "", false);
        List<String> env = List.of("NAME=gantry");
        assertThat(ContainerCommand.args(pod("{}"), image, env)).containsExactly("/entry", "default-arg");
        assertThat(ContainerCommand.args(pod("{args: [hi, $(NAME)]}"), image, env)).containsExactly("/entry", "hi", "gantry");
        assertThat(ContainerCommand.args(pod("{command: [sh]}"), image, env)).containsExactly("sh");
        assertThat(ContainerCommand.args(pod("{command: [sh], args: [-c, x]}"), image, env)).containsExactly("sh", "-c", "x");
        ContainerEngine.ImageInfo bare = new ContainerEngine.ImageInfo("img", "sha256:x", List.of(), List.of(), List.of(),
                "/", "", false);
        assertThatThrownBy(() -> ContainerCommand.args(pod("{}"), bare, env)).hasMessageContaining("no command");
    }

    private static PodStatusBuilder.Observed exited(String name, int code, boolean finished) {
        ContainerRecord r = new ContainerRecord(name, false);
        ContainerRecord.Termination t = new ContainerRecord.Termination(code, code == 0 ? "Completed" : "Error", null,
                Instant.EPOCH, Instant.EPOCH, "id");
        if (finished) {
            r.finished = t;
        } else {
            r.last = t;
        }
        return new PodStatusBuilder.Observed(r, null);
    }

    private static PodStatusBuilder.Observed running(String name) {
        return new PodStatusBuilder.Observed(new ContainerRecord(name, false),
                new ContainerEngine.ContainerRun.Running(Instant.EPOCH));
    }

    private static PodStatusBuilder.Observed waiting(String name) {
        return new PodStatusBuilder.Observed(new ContainerRecord(name, false), null);
    }

    @Test
    void phaseFollowsTheKubeletsRules() {
        assertThat(PodStatusBuilder.phase(List.of(), List.of(waiting("a")), "Always", true)).isEqualTo("Pending");
        assertThat(PodStatusBuilder.phase(List.of(), List.of(running("a"), waiting("b")), "Always", true)).isEqualTo("Pending");
        assertThat(PodStatusBuilder.phase(List.of(), List.of(running("a")), "Always", true)).isEqualTo("Running");
        assertThat(PodStatusBuilder.phase(List.of(), List.of(exited("a", 1, false)), "Always", true)).isEqualTo("Running");
        assertThat(PodStatusBuilder.phase(List.of(), List.of(exited("a", 0, true)), "Never", true)).isEqualTo("Succeeded");
        assertThat(PodStatusBuilder.phase(List.of(), List.of(exited("a", 0, true), exited("b", 3, true)), "Never", true))
                .isEqualTo("Failed");
        assertThat(PodStatusBuilder.phase(List.of(), List.of(exited("a", 0, true)), "OnFailure", true)).isEqualTo("Succeeded");
        assertThat(PodStatusBuilder.phase(List.of(exited("init", 1, true)), List.of(waiting("a")), "Never", false))
                .isEqualTo("Failed");
        assertThat(PodStatusBuilder.phase(List.of(waiting("init")), List.of(waiting("a")), "Always", false))
                .isEqualTo("Pending");
    }

    @Test
    void crashBackoffRestartsAtOnceThenDoublesToFiveMinutesWhilePullsWaitFromTheStart() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        Backoff crash = new Backoff(true);
        assertThat(crash.failed(t)).isEqualTo(t);
        assertThat(crash.failed(t)).isEqualTo(t.plusSeconds(10));
        assertThat(crash.failed(t)).isEqualTo(t.plusSeconds(20));
        for (int i = 0; i < 10; i++) {
            crash.failed(t);
        }
        assertThat(crash.current()).isEqualTo(Duration.ofMinutes(5));
        crash.reset();
        assertThat(crash.failed(t)).isEqualTo(t);
        Backoff pull = new Backoff(false);
        assertThat(pull.failed(t)).isEqualTo(t.plusSeconds(10));
        assertThat(pull.waiting(t.plusSeconds(9))).isTrue();
        assertThat(pull.waiting(t.plusSeconds(10))).isFalse();
    }

    @Test
    void projectedFilesSwapAtomicallyThroughTheDataLink() throws Exception {
        Path vol = dir.resolve("vol");
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(AtomicDirectoryWriter.write(vol, Map.of("a.txt", payload("one"), "sub/b.txt", payload("two")), t)).isTrue();
        assertThat(Files.readString(vol.resolve("a.txt"))).isEqualTo("one");
        assertThat(Files.readString(vol.resolve("sub/b.txt"))).isEqualTo("two");
        assertThat(Files.isSymbolicLink(vol.resolve("a.txt"))).isTrue();
        Path firstData = vol.resolve(Files.readSymbolicLink(vol.resolve(AtomicDirectoryWriter.DATA)));
        assertThat(AtomicDirectoryWriter.write(vol, Map.of("a.txt", payload("one"), "sub/b.txt", payload("two")), t)).isFalse();
        assertThat(AtomicDirectoryWriter.write(vol, Map.of("a.txt", payload("changed")), t.plusSeconds(1))).isTrue();
        assertThat(Files.readString(vol.resolve("a.txt"))).isEqualTo("changed");
        assertThat(vol.resolve("sub")).doesNotExist();
        assertThat(firstData).doesNotExist();
        assertThatThrownBy(() -> AtomicDirectoryWriter.write(vol, Map.of("../escape", payload("x")), t))
                .hasMessageContaining("inside the volume");
    }

    private static AtomicDirectoryWriter.Payload payload(String s) {
        return new AtomicDirectoryWriter.Payload(s.getBytes(StandardCharsets.UTF_8), 0644);
    }

    @Test
    void theNodeAddressComesFromTheDefaultRoutesInterface() {
        List<String> table = List.of(
                "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
                "docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0",
                "eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0");
        assertThat(HostFacts.defaultRouteInterface(table)).contains("eth0");
        assertThat(HostFacts.defaultRouteInterface(table.subList(0, 2))).isEmpty();
        assertThat(HostFacts.parseMeminfoKib("MemTotal:       24576000 kB")).isEqualTo(24576000L);
    }

    @Test
    void downwardApiLabelsAreWrittenAsSortedQuotedPairs() throws Exception {
        assertThat(PodVolumes.keyValues(Json.MAPPER.readTree("{\"b\":\"2\",\"a\":\"say \\\"hi\\\"\"}")))
                .isEqualTo("a=\"say \\\"hi\\\"\"\nb=\"2\"");
    }
}

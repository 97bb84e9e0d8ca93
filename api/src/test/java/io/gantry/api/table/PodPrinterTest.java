package io.gantry.api.table;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.gantry.api.table.PrinterFixtures.CREATED;
import static io.gantry.api.table.PrinterFixtures.NOW;
import static io.gantry.api.table.PrinterFixtures.cells;
import static io.gantry.api.table.PrinterFixtures.headers;
import static io.gantry.api.table.PrinterFixtures.object;
import static io.gantry.api.table.PrinterFixtures.type;
import static io.gantry.api.table.PrinterFixtures.wideHeaders;
import static org.assertj.core.api.Assertions.assertThat;

class PodPrinterTest {

    private static List<Object> pod(String spec, String status) {
        return pod("", spec, status);
    }

    private static List<Object> pod(String extraMetadata, String spec, String status) {
        return cells("v1", "Pod", "{\"metadata\":{\"name\":\"web\"," + CREATED + extraMetadata + "},"
                + "\"spec\":" + spec + ",\"status\":" + status + "}");
    }

    private static final String ONE = "{\"containers\":[{\"name\":\"app\",\"image\":\"nginx\"}]}";
    private static final String TWO = "{\"nodeName\":\"node-a\",\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"}]}";

    @Test
    void columns() {
        assertThat(headers("v1", "Pod")).containsExactly("Name", "Ready", "Status", "Restarts", "Age", "IP", "Node",
                "Nominated Node", "Readiness Gates");
        assertThat(wideHeaders("v1", "Pod")).containsExactly("IP", "Node", "Nominated Node", "Readiness Gates");
        assertThat(Tables.forType(type("v1", "Pod")).columns().get(0).format()).isEqualTo("name");
    }

    @Test
    void runningWithRestarts() {
        assertThat(pod(TWO, """
                {"phase":"Running","podIP":"10.1.0.7","podIPs":[{"ip":"10.1.0.7"}],
                 "conditions":[{"type":"Ready","status":"True"}],
                 "containerStatuses":[
                   {"name":"a","ready":true,"restartCount":3,"state":{"running":{}},
                    "lastState":{"terminated":{"exitCode":1,"finishedAt":"2024-05-01T11:55:00Z"}}},
                   {"name":"b","ready":true,"restartCount":0,"state":{"running":{}}}]}"""))
                .containsExactly("web", "2/2", "Running", "3 (5m ago)", "5m", "10.1.0.7", "node-a", "<none>", "<none>");
    }

    @Test
    void pendingWithoutStatuses() {
        assertThat(pod(ONE, "{\"phase\":\"Pending\"}"))
                .containsExactly("web", "0/1", "Pending", "0", "5m", "<none>", "<none>", "<none>", "<none>");
    }

    @Test
    void containerCreatingAndCrashLoop() {
        assertThat(pod(ONE, """
                {"phase":"Pending","containerStatuses":[{"name":"app","ready":false,"restartCount":0,
                 "state":{"waiting":{"reason":"ContainerCreating"}}}]}""").get(2)).isEqualTo("ContainerCreating");
        List<Object> crash = pod(ONE, """
                {"phase":"Running","containerStatuses":[{"name":"app","ready":false,"restartCount":5,
                 "state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off"}},
                 "lastState":{"terminated":{"exitCode":2,"reason":"Error","finishedAt":"2024-05-01T11:58:00Z"}}}]}""");
        assertThat(crash.subList(1, 4)).containsExactly("0/1", "CrashLoopBackOff", "5 (2m ago)");
    }

    @Test
    void terminatedContainerWithoutReasonShowsExitCodeOrSignal() {
        assertThat(pod(ONE, """
                {"phase":"Running","containerStatuses":[{"name":"app","state":{"terminated":{"exitCode":137}}}]}""")
                .get(2)).isEqualTo("ExitCode:137");
        assertThat(pod(ONE, """
                {"phase":"Running","containerStatuses":[{"name":"app","state":{"terminated":{"exitCode":0,"signal":9}}}]}""")
                .get(2)).isEqualTo("Signal:9");
    }

    @Test
    void initContainerProgressAndFailures() {
        String spec = "{\"initContainers\":[{\"name\":\"init\"}],\"containers\":[{\"name\":\"app\"}]}";
        assertThat(pod(spec, """
                {"phase":"Pending","initContainerStatuses":[{"name":"init","state":{"running":{}}}],
                 "containerStatuses":[{"name":"app","state":{"waiting":{"reason":"PodInitializing"}}}]}""")
                .subList(1, 4)).containsExactly("0/1", "Init:0/1", "0");
        assertThat(pod(spec, """
                {"phase":"Pending","initContainerStatuses":[{"name":"init","restartCount":2,
                 "state":{"waiting":{"reason":"CrashLoopBackOff"}},
                 "lastState":{"terminated":{"exitCode":1,"finishedAt":"2024-05-01T11:59:00Z"}}}]}""")
                .subList(2, 4)).containsExactly("Init:CrashLoopBackOff", "2 (60s ago)");
        assertThat(pod(spec, """
                {"phase":"Pending","initContainerStatuses":[{"name":"init",
                 "state":{"terminated":{"exitCode":1,"reason":"Error"}}}]}""").get(2)).isEqualTo("Init:Error");
        assertThat(pod(spec, """
                {"phase":"Pending","initContainerStatuses":[{"name":"init",
                 "state":{"terminated":{"exitCode":3}}}]}""").get(2)).isEqualTo("Init:ExitCode:3");
        String two = "{\"initContainers\":[{\"name\":\"i1\"},{\"name\":\"i2\"}],\"containers\":[{\"name\":\"app\"}]}";
        assertThat(pod(two, """
                {"phase":"Pending","initContainerStatuses":[
                  {"name":"i1","state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
                  {"name":"i2","state":{"waiting":{"reason":"PodInitializing"}}}]}""").get(2)).isEqualTo("Init:1/2");
    }

    @Test
    void sidecarInitContainersCountAsContainers() {
        String spec = """
                {"initContainers":[{"name":"proxy","restartPolicy":"Always"}],"containers":[{"name":"app"}]}""";
        assertThat(pod(spec, """
                {"phase":"Running","conditions":[{"type":"Initialized","status":"True"},{"type":"Ready","status":"True"}],
                 "initContainerStatuses":[{"name":"proxy","started":true,"ready":true,"restartCount":1,"state":{"running":{}}}],
                 "containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{}}}]}""")
                .subList(1, 4)).containsExactly("2/2", "Running", "1");
    }

    @Test
    void terminatingWhileDeletionPending() {
        assertThat(pod(",\"deletionTimestamp\":\"2024-05-01T11:59:30Z\"", ONE, """
                {"phase":"Running","containerStatuses":[{"name":"app","ready":true,"state":{"running":{}}}]}""")
                .get(2)).isEqualTo("Terminating");
        assertThat(pod(",\"deletionTimestamp\":\"2024-05-01T11:59:30Z\"", ONE, """
                {"phase":"Succeeded","containerStatuses":[{"name":"app","state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}""")
                .get(2)).isEqualTo("Completed");
        assertThat(pod(",\"deletionTimestamp\":\"2024-05-01T11:59:30Z\"", ONE, "{\"phase\":\"Running\",\"reason\":\"NodeLost\"}")
                .get(2)).isEqualTo("Unknown");
    }

    @Test
    void completedPodsCarryRowConditions() {
        var pod = object("{\"metadata\":{\"name\":\"job-x\"},\"status\":{\"phase\":\"Succeeded\"}}");
        var conditions = Tables.forType(type("v1", "Pod")).conditions(pod);
        assertThat(conditions).hasSize(1);
        assertThat(conditions.get(0).path("type").asText()).isEqualTo("Completed");
        assertThat(conditions.get(0).path("reason").asText()).isEqualTo("Succeeded");
    }

    @Test
    void completedContainerWithRunningSiblingIsRunningOrNotReady() {
        String status = """
                {"phase":"Running","conditions":[%s],"containerStatuses":[
                  {"name":"a","ready":true,"state":{"running":{}}},
                  {"name":"b","ready":false,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}""";
        assertThat(pod(TWO, status.formatted("{\"type\":\"Ready\",\"status\":\"True\"}")).get(2)).isEqualTo("Running");
        assertThat(pod(TWO, status.formatted("")).get(2)).isEqualTo("NotReady");
    }

    @Test
    void readinessGatesNominatedNodeAndSchedulingGates() {
        List<Object> row = pod("""
                {"containers":[{"name":"app"}],"readinessGates":[{"conditionType":"g1"},{"conditionType":"g2"}]}""", """
                {"phase":"Pending","nominatedNodeName":"node-b",
                 "conditions":[{"type":"g1","status":"True"},{"type":"g2","status":"False"},
                               {"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]}""");
        assertThat(row.get(2)).isEqualTo("SchedulingGated");
        assertThat(row.subList(7, 9)).containsExactly("node-b", "1/2");
    }

    @Test
    void unknownAgeWithoutCreationTimestamp() {
        assertThat(Tables.forType(type("v1", "Pod")).cells(object("{\"metadata\":{\"name\":\"x\"}}"), NOW).get(4))
                .isEqualTo("<unknown>");
    }
}

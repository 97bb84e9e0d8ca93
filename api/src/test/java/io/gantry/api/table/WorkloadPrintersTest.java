package io.gantry.api.table;

import org.junit.jupiter.api.Test;

import static io.gantry.api.table.PrinterFixtures.CREATED;
import static io.gantry.api.table.PrinterFixtures.cells;
import static io.gantry.api.table.PrinterFixtures.headers;
import static io.gantry.api.table.PrinterFixtures.wideHeaders;
import static org.assertj.core.api.Assertions.assertThat;

class WorkloadPrintersTest {
    private static final String TEMPLATE = """
            "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[
              {"name":"app","image":"nginx:1.27"},{"name":"sidecar","image":"busybox"}]}}""";

    @Test
    void deployment() {
        assertThat(headers("apps/v1", "Deployment")).containsExactly("Name", "Ready", "Up-to-date", "Available", "Age",
                "Containers", "Images", "Selector");
        assertThat(wideHeaders("apps/v1", "Deployment")).containsExactly("Containers", "Images", "Selector");
        assertThat(cells("apps/v1", "Deployment", """
                {"metadata":{"name":"web",%s},"spec":{"replicas":3,
                 "selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["fe","be"]}]},
                 %s},"status":{"readyReplicas":2,"updatedReplicas":3,"availableReplicas":2}}"""
                .formatted(CREATED, TEMPLATE)))
                .containsExactly("web", "2/3", 3L, 2L, "5m", "app,sidecar", "nginx:1.27,busybox",
                        "app=web,tier in (be,fe)");
        assertThat(cells("apps/v1", "Deployment", "{\"metadata\":{\"name\":\"d\"},\"spec\":{}}"))
                .containsExactly("d", "0/0", 0L, 0L, "<unknown>", "", "", "");
    }

    @Test
    void replicaSet() {
        assertThat(headers("apps/v1", "ReplicaSet")).containsExactly("Name", "Desired", "Current", "Ready", "Age",
                "Containers", "Images", "Selector");
        assertThat(cells("apps/v1", "ReplicaSet", """
                {"metadata":{"name":"web-5d8f",%s},"spec":{"replicas":3,"selector":{"matchLabels":
                 {"app":"web","pod-template-hash":"5d8f"}},%s},"status":{"replicas":3,"readyReplicas":1}}"""
                .formatted(CREATED, TEMPLATE)))
                .containsExactly("web-5d8f", 3L, 3L, 1L, "5m", "app,sidecar", "nginx:1.27,busybox",
                        "app=web,pod-template-hash=5d8f");
        assertThat(cells("apps/v1", "ReplicaSet", "{\"metadata\":{\"name\":\"r\"},\"spec\":{\"selector\":{}}}").get(7))
                .isEqualTo("<none>");
    }

    @Test
    void statefulSet() {
        assertThat(headers("apps/v1", "StatefulSet")).containsExactly("Name", "Ready", "Age", "Containers", "Images");
        assertThat(cells("apps/v1", "StatefulSet", """
                {"metadata":{"name":"db",%s},"spec":{"replicas":2,%s},"status":{"readyReplicas":1}}"""
                .formatted(CREATED, TEMPLATE)))
                .containsExactly("db", "1/2", "5m", "app,sidecar", "nginx:1.27,busybox");
    }

    @Test
    void daemonSet() {
        assertThat(headers("apps/v1", "DaemonSet")).containsExactly("Name", "Desired", "Current", "Ready",
                "Up-to-date", "Available", "Node Selector", "Age", "Containers", "Images", "Selector");
        assertThat(cells("apps/v1", "DaemonSet", """
                {"metadata":{"name":"agent",%s},"spec":{"selector":{"matchLabels":{"app":"agent"}},
                 "template":{"spec":{"nodeSelector":{"kubernetes.io/os":"linux"},"containers":[{"name":"a","image":"agent:1"}]}}},
                 "status":{"desiredNumberScheduled":3,"currentNumberScheduled":3,"numberReady":2,
                  "updatedNumberScheduled":3,"numberAvailable":2}}""".formatted(CREATED)))
                .containsExactly("agent", 3L, 3L, 2L, 3L, 2L, "kubernetes.io/os=linux", "5m", "a", "agent:1",
                        "app=agent");
    }

    @Test
    void controllerRevision() {
        assertThat(headers("apps/v1", "ControllerRevision")).containsExactly("Name", "Controller", "Revision", "Age");
        assertThat(cells("apps/v1", "ControllerRevision", """
                {"metadata":{"name":"agent-7c9",%s,"ownerReferences":[{"apiVersion":"apps/v1","kind":"DaemonSet",
                 "name":"agent","uid":"u","controller":true}]},"revision":2}""".formatted(CREATED)))
                .containsExactly("agent-7c9", "daemonset.apps/agent", 2L, "5m");
        assertThat(cells("apps/v1", "ControllerRevision", """
                {"metadata":{"name":"x","ownerReferences":[{"apiVersion":"v1","kind":"Pod","name":"p"}]},"revision":1}""")
                .get(1)).isEqualTo("<none>");
    }

    @Test
    void job() {
        assertThat(headers("batch/v1", "Job")).containsExactly("Name", "Status", "Completions", "Duration", "Age",
                "Containers", "Images", "Selector");
        assertThat(cells("batch/v1", "Job", """
                {"metadata":{"name":"pi",%s},"spec":{"completions":3,"selector":{"matchLabels":
                 {"batch.kubernetes.io/controller-uid":"u1"}},%s},
                 "status":{"succeeded":3,"startTime":"2024-05-01T11:55:00Z","completionTime":"2024-05-01T11:57:30Z",
                  "conditions":[{"type":"Complete","status":"True"}]}}""".formatted(CREATED, TEMPLATE)))
                .containsExactly("pi", "Complete", "3/3", "2m30s", "5m", "app,sidecar", "nginx:1.27,busybox",
                        "batch.kubernetes.io/controller-uid=u1");
        assertThat(cells("batch/v1", "Job", """
                {"metadata":{"name":"p"},"spec":{"parallelism":2},"status":{"succeeded":1,
                 "startTime":"2024-05-01T11:59:00Z"}}""").subList(1, 4)).containsExactly("Running", "1/1 of 2", "60s");
        assertThat(cells("batch/v1", "Job", "{\"metadata\":{\"name\":\"q\"},\"spec\":{}}").subList(1, 4))
                .containsExactly("Running", "0/1", "");
        assertThat(cells("batch/v1", "Job", """
                {"metadata":{"name":"f"},"status":{"conditions":[{"type":"Complete","status":"False"},
                 {"type":"Failed","status":"True"}]}}""").get(1)).isEqualTo("Failed");
        assertThat(cells("batch/v1", "Job", """
                {"metadata":{"name":"s"},"status":{"conditions":[{"type":"Suspended","status":"True"}]}}""").get(1))
                .isEqualTo("Suspended");
    }

    @Test
    void cronJob() {
        assertThat(headers("batch/v1", "CronJob")).containsExactly("Name", "Schedule", "Timezone", "Suspend", "Active",
                "Last Schedule", "Age", "Containers", "Images", "Selector");
        assertThat(cells("batch/v1", "CronJob", """
                {"metadata":{"name":"backup",%s},"spec":{"schedule":"*/5 * * * *","suspend":false,
                 "jobTemplate":{"spec":{%s}}},
                 "status":{"active":[{"name":"backup-1"}],"lastScheduleTime":"2024-05-01T11:58:00Z"}}"""
                .formatted(CREATED, TEMPLATE)))
                .containsExactly("backup", "*/5 * * * *", "<none>", "False", 1L, "2m", "5m", "app,sidecar",
                        "nginx:1.27,busybox", "<none>");
        assertThat(cells("batch/v1", "CronJob", """
                {"metadata":{"name":"c"},"spec":{"schedule":"@daily","timeZone":"Europe/Berlin"}}""").subList(1, 6))
                .containsExactly("@daily", "Europe/Berlin", "<unset>", 0L, "<none>");
    }
}

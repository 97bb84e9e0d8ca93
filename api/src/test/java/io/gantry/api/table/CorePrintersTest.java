package io.gantry.api.table;

import org.junit.jupiter.api.Test;

import static io.gantry.api.table.PrinterFixtures.CREATED;
import static io.gantry.api.table.PrinterFixtures.cells;
import static io.gantry.api.table.PrinterFixtures.headers;
import static io.gantry.api.table.PrinterFixtures.wideHeaders;
import static org.assertj.core.api.Assertions.assertThat;

class CorePrintersTest {

    @Test
    void namespace() {
        assertThat(headers("v1", "Namespace")).containsExactly("Name", "Status", "Age");
        assertThat(cells("v1", "Namespace", "{\"metadata\":{\"name\":\"dev\"," + CREATED + "},\"status\":{\"phase\":\"Active\"}}"))
                .containsExactly("dev", "Active", "5m");
    }

    @Test
    void node() {
        assertThat(headers("v1", "Node")).containsExactly("Name", "Status", "Roles", "Age", "Version", "Internal-IP",
                "External-IP", "OS-Image", "Kernel-Version", "Container-Runtime");
        assertThat(wideHeaders("v1", "Node")).containsExactly("Internal-IP", "External-IP", "OS-Image",
                "Kernel-Version", "Container-Runtime");
        assertThat(cells("v1", "Node", """
                {"metadata":{"name":"n1",%s,"labels":{"node-role.kubernetes.io/control-plane":"",
                  "node-role.kubernetes.io/worker":"","kubernetes.io/role":"edge","node-role.kubernetes.io/":""}},
                 "spec":{"unschedulable":true},
                 "status":{"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}],
                  "addresses":[{"type":"Hostname","address":"n1"},{"type":"InternalIP","address":"192.168.1.10"}],
                  "nodeInfo":{"kubeletVersion":"v1.31.0","osImage":"Debian","kernelVersion":"6.1.0",
                   "containerRuntimeVersion":"gantry://0.1"}}}""".formatted(CREATED)))
                .containsExactly("n1", "Ready,SchedulingDisabled", "control-plane,edge,worker", "5m", "v1.31.0",
                        "192.168.1.10", "<none>", "Debian", "6.1.0", "gantry://0.1");
        assertThat(cells("v1", "Node", "{\"metadata\":{\"name\":\"n2\"},\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"Unknown\"}]}}"))
                .containsExactly("n2", "NotReady", "<none>", "<unknown>", "", "<none>", "<none>", "<unknown>",
                        "<unknown>", "<unknown>");
        assertThat(cells("v1", "Node", "{\"metadata\":{\"name\":\"n3\"}}").get(1)).isEqualTo("Unknown");
    }

    @Test
    void service() {
        assertThat(headers("v1", "Service")).containsExactly("Name", "Type", "Cluster-IP", "External-IP", "Port(s)",
                "Age", "Selector");
        assertThat(cells("v1", "Service", """
                {"metadata":{"name":"web",%s},"spec":{"type":"ClusterIP","clusterIP":"10.96.0.10",
                 "clusterIPs":["10.96.0.10"],"ports":[{"port":80,"protocol":"TCP"},{"port":53,"protocol":"UDP"}],
                 "selector":{"tier":"fe","app":"web"}}}""".formatted(CREATED)))
                .containsExactly("web", "ClusterIP", "10.96.0.10", "<none>", "80/TCP,53/UDP", "5m", "app=web,tier=fe");
        assertThat(cells("v1", "Service", """
                {"metadata":{"name":"np"},"spec":{"type":"NodePort","clusterIPs":["10.96.0.11"],
                 "externalIPs":["1.2.3.4"],"ports":[{"port":80,"nodePort":30080,"protocol":"TCP"}]}}"""))
                .containsExactly("np", "NodePort", "10.96.0.11", "1.2.3.4", "80:30080/TCP", "<unknown>", "<none>");
        assertThat(cells("v1", "Service", """
                {"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","clusterIPs":["10.96.0.12"],
                 "ports":[{"port":443,"nodePort":31443,"protocol":"TCP"}]}}""").get(3)).isEqualTo("<pending>");
        assertThat(cells("v1", "Service", """
                {"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","externalIPs":["9.9.9.9"]},
                 "status":{"loadBalancer":{"ingress":[{"ip":"5.6.7.8"},{"hostname":"lb.example.com"},{"ip":"5.6.7.8"}]}}}""")
                .get(3)).isEqualTo("5.6.7.8,lb.example.com,9.9.9.9");
        assertThat(cells("v1", "Service", """
                {"metadata":{"name":"ext"},"spec":{"type":"ExternalName","externalName":"db.example.com"}}"""))
                .containsExactly("ext", "ExternalName", "<none>", "db.example.com", "<none>", "<unknown>", "<none>");
        assertThat(cells("v1", "Service", """
                {"metadata":{"name":"headless"},"spec":{"type":"ClusterIP","clusterIP":"None","clusterIPs":["None"]}}""")
                .get(2)).isEqualTo("None");
    }

    @Test
    void endpoints() {
        assertThat(headers("v1", "Endpoints")).containsExactly("Name", "Endpoints", "Age");
        assertThat(cells("v1", "Endpoints", """
                {"metadata":{"name":"web",%s},"subsets":[{"addresses":[{"ip":"10.1.0.1"},{"ip":"10.1.0.2"}],
                 "ports":[{"port":8080},{"port":9090}]}]}""".formatted(CREATED)))
                .containsExactly("web", "10.1.0.1:8080,10.1.0.2:8080,10.1.0.1:9090 + 1 more...", "5m");
        assertThat(cells("v1", "Endpoints", """
                {"metadata":{"name":"v6"},"subsets":[{"addresses":[{"ip":"fd00::1"}],"ports":[{"port":80}]}]}""")
                .get(1)).isEqualTo("[fd00::1]:80");
        assertThat(cells("v1", "Endpoints", """
                {"metadata":{"name":"headless"},"subsets":[{"addresses":[{"ip":"10.1.0.1"}]}]}""").get(1))
                .isEqualTo("10.1.0.1");
        assertThat(cells("v1", "Endpoints", "{\"metadata\":{\"name\":\"none\"}}").get(1)).isEqualTo("<none>");
    }

    @Test
    void configMapSecretServiceAccount() {
        assertThat(headers("v1", "ConfigMap")).containsExactly("Name", "Data", "Age");
        assertThat(cells("v1", "ConfigMap", "{\"metadata\":{\"name\":\"cfg\"," + CREATED
                + "},\"data\":{\"a\":\"1\",\"b\":\"2\"},\"binaryData\":{\"c\":\"AA==\"}}"))
                .containsExactly("cfg", 3L, "5m");
        assertThat(headers("v1", "Secret")).containsExactly("Name", "Type", "Data", "Age");
        assertThat(cells("v1", "Secret", "{\"metadata\":{\"name\":\"s\"," + CREATED
                + "},\"type\":\"Opaque\",\"data\":{\"k\":\"dg==\"}}")).containsExactly("s", "Opaque", 1L, "5m");
        assertThat(headers("v1", "ServiceAccount")).containsExactly("Name", "Secrets", "Age");
        assertThat(cells("v1", "ServiceAccount", "{\"metadata\":{\"name\":\"default\"," + CREATED + "}}"))
                .containsExactly("default", 0L, "5m");
    }

    @Test
    void persistentVolumeAndClaim() {
        assertThat(headers("v1", "PersistentVolume")).containsExactly("Name", "Capacity", "Access Modes",
                "Reclaim Policy", "Status", "Claim", "StorageClass", "VolumeAttributesClass", "Reason", "Age",
                "VolumeMode");
        assertThat(cells("v1", "PersistentVolume", """
                {"metadata":{"name":"pv1",%s},"spec":{"capacity":{"storage":"10Gi"},
                 "accessModes":["ReadWriteMany","ReadWriteOnce","ReadWriteOnce"],
                 "persistentVolumeReclaimPolicy":"Retain","storageClassName":"local",
                 "claimRef":{"namespace":"default","name":"data"},"volumeMode":"Filesystem"},
                 "status":{"phase":"Bound"}}""".formatted(CREATED)))
                .containsExactly("pv1", "10Gi", "RWO,RWX", "Retain", "Bound", "default/data", "local", "<unset>", "",
                        "5m", "Filesystem");
        assertThat(headers("v1", "PersistentVolumeClaim")).containsExactly("Name", "Status", "Volume", "Capacity",
                "Access Modes", "StorageClass", "VolumeAttributesClass", "Age", "VolumeMode");
        assertThat(cells("v1", "PersistentVolumeClaim", """
                {"metadata":{"name":"data",%s},"spec":{"volumeName":"pv1","storageClassName":"local",
                 "resources":{"requests":{"storage":"5Gi"}}},
                 "status":{"phase":"Bound","accessModes":["ReadWriteOnce"],"capacity":{"storage":"10Gi"}}}"""
                .formatted(CREATED)))
                .containsExactly("data", "Bound", "pv1", "10Gi", "RWO", "local", "<unset>", "5m", "<unset>");
        assertThat(cells("v1", "PersistentVolumeClaim", """
                {"metadata":{"name":"p","deletionTimestamp":"2024-05-01T11:59:00Z",
                 "annotations":{"volume.beta.kubernetes.io/storage-class":"beta"}},
                 "spec":{"storageClassName":"ignored"},"status":{"phase":"Pending"}}"""))
                .containsExactly("p", "Terminating", "", "", "", "beta", "<unset>", "<unknown>", "<unset>");
    }

    @Test
    void resourceQuotaSplitsRequestsAndLimits() {
        assertThat(headers("v1", "ResourceQuota")).containsExactly("Name", "Age", "Request", "Limit");
        assertThat(cells("v1", "ResourceQuota", """
                {"metadata":{"name":"q",%s},"status":{
                 "hard":{"pods":"10","requests.cpu":"4","limits.memory":"8Gi","limits.cpu":"8"},
                 "used":{"pods":"2","requests.cpu":"500m","limits.cpu":"1"}}}""".formatted(CREATED)))
                .containsExactly("q", "5m", "pods: 2/10, requests.cpu: 500m/4", "limits.cpu: 1/8, limits.memory: 0/8Gi");
    }

    @Test
    void limitRangeUsesTheDefaultCreatedAtColumn() {
        assertThat(headers("v1", "LimitRange")).containsExactly("Name", "Created At");
        var column = Tables.forType(PrinterFixtures.type("v1", "LimitRange")).columns().get(1);
        assertThat(column.type()).isEqualTo("date");
        assertThat(cells("v1", "LimitRange", "{\"metadata\":{\"name\":\"lr\",\"creationTimestamp\":\"2024-05-01T11:55:00.250Z\"}}"))
                .containsExactly("lr", "2024-05-01T11:55:00Z");
    }
}

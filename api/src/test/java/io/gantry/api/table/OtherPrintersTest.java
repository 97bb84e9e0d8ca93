package io.gantry.api.table;

import org.junit.jupiter.api.Test;

import static io.gantry.api.table.PrinterFixtures.CREATED;
import static io.gantry.api.table.PrinterFixtures.cells;
import static io.gantry.api.table.PrinterFixtures.headers;
import static io.gantry.api.table.PrinterFixtures.object;
import static org.assertj.core.api.Assertions.assertThat;

class OtherPrintersTest {

    @Test
    void endpointSlice() {
        assertThat(headers("discovery.k8s.io/v1", "EndpointSlice")).containsExactly("Name", "AddressType", "Ports",
                "Endpoints", "Age");
        assertThat(cells("discovery.k8s.io/v1", "EndpointSlice", """
                {"metadata":{"name":"web-abc",%s},"addressType":"IPv4",
                 "ports":[{"name":"http","port":80},{"name":"named"},{},{"port":9}],
                 "endpoints":[{"addresses":["10.1.0.1"]},{"addresses":["10.1.0.2","10.1.0.3"]},{"addresses":["10.1.0.4"]}]}"""
                .formatted(CREATED)))
                .containsExactly("web-abc", "IPv4", "80,named,* + 1 more...", "10.1.0.1,10.1.0.2,10.1.0.3 + 1 more...",
                        "5m");
        assertThat(cells("discovery.k8s.io/v1", "EndpointSlice", "{\"metadata\":{\"name\":\"e\"},\"addressType\":\"IPv6\"}"))
                .containsExactly("e", "IPv6", "<unset>", "<unset>", "<unknown>");
    }

    @Test
    void horizontalPodAutoscaler() {
        assertThat(headers("autoscaling/v2", "HorizontalPodAutoscaler")).containsExactly("Name", "Reference",
                "Targets", "MinPods", "MaxPods", "Replicas", "Age");
        assertThat(cells("autoscaling/v2", "HorizontalPodAutoscaler", """
                {"metadata":{"name":"web",%s},"spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment",
                 "name":"web"},"minReplicas":1,"maxReplicas":10,"metrics":[
                  {"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":80}}},
                  {"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"500Mi"}}},
                  {"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"1k"}}}]},
                 "status":{"currentReplicas":2,"currentMetrics":[
                  {"type":"Resource","resource":{"name":"cpu","current":{"averageUtilization":40,"averageValue":"200m"}}}]}}"""
                .formatted(CREATED)))
                .containsExactly("web", "Deployment/web", "cpu: 40%/80%, memory: <unknown>/500Mi + 1 more...", "1",
                        10L, 2L, "5m");
        assertThat(cells("autoscaling/v2", "HorizontalPodAutoscaler", """
                {"metadata":{"name":"h"},"spec":{"scaleTargetRef":{"kind":"StatefulSet","name":"db"},"maxReplicas":3}}"""))
                .containsExactly("h", "StatefulSet/db", "<none>", "<unset>", 3L, 0L, "<unknown>");
    }

    @Test
    void hpaMetricKinds() {
        var specs = object("""
                {"m":[{"type":"External","external":{"metric":{"name":"q"},"target":{"type":"Value","value":"100"}}},
                      {"type":"Object","object":{"metric":{"name":"rps"},"target":{"type":"AverageValue","averageValue":"10"}}}],
                 "s":[{"type":"External","external":{"current":{"value":"42"}}}]}""");
        assertThat(OtherPrinters.hpaMetrics(specs.path("m"), specs.path("s"))).isEqualTo("42/100, <unknown>/10 (avg)");
    }

    @Test
    void leasePriorityClassRuntimeClass() {
        assertThat(headers("coordination.k8s.io/v1", "Lease")).containsExactly("Name", "Holder", "Age");
        assertThat(cells("coordination.k8s.io/v1", "Lease",
                "{\"metadata\":{\"name\":\"node-a\"," + CREATED + "},\"spec\":{\"holderIdentity\":\"node-a\"}}"))
                .containsExactly("node-a", "node-a", "5m");
        assertThat(headers("scheduling.k8s.io/v1", "PriorityClass")).containsExactly("Name", "Value",
                "Global-Default", "Age", "PreemptionPolicy");
        assertThat(cells("scheduling.k8s.io/v1", "PriorityClass", """
                {"metadata":{"name":"system-cluster-critical",%s},"value":2000000000,
                 "preemptionPolicy":"PreemptLowerPriority"}""".formatted(CREATED)))
                .containsExactly("system-cluster-critical", 2000000000L, false, "5m", "PreemptLowerPriority");
        assertThat(headers("node.k8s.io/v1", "RuntimeClass")).containsExactly("Name", "Handler", "Age");
        assertThat(cells("node.k8s.io/v1", "RuntimeClass",
                "{\"metadata\":{\"name\":\"gvisor\"," + CREATED + "},\"handler\":\"runsc\"}"))
                .containsExactly("gvisor", "runsc", "5m");
    }

    @Test
    void networkPolicy() {
        assertThat(headers("networking.k8s.io/v1", "NetworkPolicy")).containsExactly("Name", "Pod-Selector", "Age");
        assertThat(cells("networking.k8s.io/v1", "NetworkPolicy", """
                {"metadata":{"name":"deny",%s},"spec":{"podSelector":{"matchLabels":{"role":"db"}}}}"""
                .formatted(CREATED))).containsExactly("deny", "role=db", "5m");
        assertThat(cells("networking.k8s.io/v1", "NetworkPolicy", "{\"metadata\":{\"name\":\"all\"},\"spec\":{}}")
                .get(1)).isEqualTo("<none>");
    }

    @Test
    void ingress() {
        assertThat(headers("networking.k8s.io/v1", "Ingress")).containsExactly("Name", "Class", "Hosts", "Address",
                "Ports", "Age");
        assertThat(cells("networking.k8s.io/v1", "Ingress", """
                {"metadata":{"name":"web",%s},"spec":{"ingressClassName":"nginx","tls":[{"hosts":["a.example.com"]}],
                 "rules":[{"host":"a.example.com"},{"host":"b.example.com"},{},{"host":"c.example.com"},{"host":"d.example.com"}]},
                 "status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.5"}]}}}""".formatted(CREATED)))
                .containsExactly("web", "nginx", "a.example.com,b.example.com,c.example.com + 2 more...",
                        "203.0.113.5", "80, 443", "5m");
        assertThat(cells("networking.k8s.io/v1", "Ingress", "{\"metadata\":{\"name\":\"i\"},\"spec\":{\"rules\":[{}]}}"))
                .containsExactly("i", "<none>", "*", "", "80", "<unknown>");
    }

    @Test
    void podDisruptionBudget() {
        assertThat(headers("policy/v1", "PodDisruptionBudget")).containsExactly("Name", "Min Available",
                "Max Unavailable", "Allowed Disruptions", "Age");
        assertThat(cells("policy/v1", "PodDisruptionBudget", """
                {"metadata":{"name":"web",%s},"spec":{"minAvailable":2},"status":{"disruptionsAllowed":1}}"""
                .formatted(CREATED))).containsExactly("web", "2", "N/A", 1L, "5m");
        assertThat(cells("policy/v1", "PodDisruptionBudget", """
                {"metadata":{"name":"p"},"spec":{"maxUnavailable":"25%"}}""")).containsExactly("p", "N/A", "25%", 0L,
                "<unknown>");
    }
}

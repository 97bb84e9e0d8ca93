package io.gantry.scheduler;

import io.gantry.api.selector.LabelSelector;
import io.gantry.scheduler.framework.ClusterView;
import io.gantry.scheduler.framework.Fixtures;
import io.gantry.scheduler.framework.NodeColumns;
import io.gantry.scheduler.framework.NodeInfo;
import io.gantry.scheduler.framework.PodInfo;
import io.gantry.scheduler.framework.ScoringStrategy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.gantry.scheduler.framework.Fixtures.node;
import static io.gantry.scheduler.framework.Fixtures.pod;
import static io.gantry.scheduler.framework.Fixtures.requesting;
import static org.assertj.core.api.Assertions.assertThat;

class SchedulingAlgorithmTest {
    private static List<String> placements(long seed, int pods) {
        SchedulingAlgorithm algorithm = new SchedulingAlgorithm(SchedulerConfig.defaults().withRandomSeed(seed));
        List<NodeInfo> nodes = List.of(node("n1", "{}"), node("n2", "{}"), node("n3", "{}"));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < pods; i++) {
            // equal, empty nodes: every choice is a tie
            var r = (SchedulingAlgorithm.Placed) algorithm.schedule(pod("p" + i, "{}"), ClusterView.of(nodes));
            out.add(r.nodeName());
        }
        return out;
    }

    @Test
    void tiesAreBrokenAtRandomButReproduciblyWithASeed() {
        assertThat(placements(42, 30)).isEqualTo(placements(42, 30));
        assertThat(placements(42, 30)).contains("n1", "n2", "n3");
    }

    @Test
    void picksTheLeastAllocatedNodeAndExplainsFailures() {
        SchedulingAlgorithm algorithm = new SchedulingAlgorithm(SchedulerConfig.defaults().withRandomSeed(1L));
        NodeInfo busy = node("busy", "4", "8Gi", 110, "{}", "{}");
        busy.addPod(requesting("x", "3", "4Gi").assignedTo("busy"));
        NodeInfo idle = node("idle", "4", "8Gi", 110, "{}", "{}");
        NodeInfo tainted = node("tainted", "64", "64Gi", 110, "{}",
                "{'taints':[{'key':'key','value':'value','effect':'NoSchedule'}]}");
        ClusterView cluster = ClusterView.of(List.of(busy, idle, tainted));
        assertThat(algorithm.schedule(requesting("p", "500m", "1Gi"), cluster))
                .isEqualTo(new SchedulingAlgorithm.Placed("idle", 3, 2));
        var failed = (SchedulingAlgorithm.Unschedulable) algorithm.schedule(requesting("big", "5", "1Gi"), cluster);
        assertThat(failed.error().message()).isEqualTo(
                "0/3 nodes are available: 1 node(s) had untolerated taint {key: value}, 2 Insufficient cpu. "
                + "preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
                + "2 No preemption victims found for incoming pod.");

        SchedulingAlgorithm packing = new SchedulingAlgorithm(SchedulerConfig.defaults()
                .withScoringStrategy(ScoringStrategy.MOST_ALLOCATED).withRandomSeed(1L));
        assertThat(((SchedulingAlgorithm.Placed) packing.schedule(requesting("p", "500m", "1Gi"), cluster))
                .nodeName()).isEqualTo("busy");
    }

    @Test
    void aNodeIsReportedByTheFirstFilterItFailsInKubernetesOrder() {
        SchedulingAlgorithm algorithm = new SchedulingAlgorithm(SchedulerConfig.defaults().withRandomSeed(1L));
        // each node fails several filters; only the first in Kubernetes' order may be named
        String taint = "'taints':[{'key':'key','value':'value','effect':'NoSchedule'}]";
        NodeInfo cordoned = node("cordoned", "1", "8Gi", 110, "{}", "{'unschedulable':true," + taint + "}");
        NodeInfo unlabeled = node("unlabeled", "1", "8Gi", 110, "{}", "{" + taint + "}");
        NodeInfo small = node("small", "1", "8Gi", 110, "{'disk':'ssd'}", "{" + taint + "}");
        ClusterView cluster = ClusterView.of(List.of(cordoned, unlabeled, small));
        PodInfo pod = Fixtures.pod("p", "{}", "{'nodeSelector':{'disk':'ssd'},'containers':[{'name':'c',"
                + "'resources':{'requests':{'cpu':'2'}}}]}");
        var failed = (SchedulingAlgorithm.Unschedulable) algorithm.schedule(pod, cluster);
        assertThat(failed.error().message()).startsWith("0/3 nodes are available: 1 Insufficient cpu, "
                + "1 node(s) didn't match Pod's node affinity/selector, 1 node(s) were unschedulable.");
    }

    @Test
    void samplesFeasibleNodesAdaptively() {
        SchedulingAlgorithm algorithm = new SchedulingAlgorithm(SchedulerConfig.defaults());
        assertThat(algorithm.numFeasibleNodesToFind(50)).isEqualTo(50);
        assertThat(algorithm.numFeasibleNodesToFind(1000)).isEqualTo(420);
        assertThat(algorithm.numFeasibleNodesToFind(5000)).isEqualTo(500);
        assertThat(algorithm.numFeasibleNodesToFind(150)).isEqualTo(100);
        assertThat(new SchedulingAlgorithm(SchedulerConfig.defaults().withPercentageOfNodesToScore(100))
                .numFeasibleNodesToFind(5000)).isEqualTo(5000);

        List<NodeInfo> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(node("n" + i, "{}"));
        }
        var placed = (SchedulingAlgorithm.Placed) algorithm.schedule(pod("p", "{}"), ClusterView.of(many));
        assertThat(placed.feasible()).isEqualTo(420);
        assertThat(placed.evaluated()).isEqualTo(420);
    }

    /** Bin packing puts every pod of a ReplicaSet on one node unless system-default spreading weighs in. */
    private static List<Integer> replicasPerNode(boolean ownedByAReplicaSet) {
        SchedulingAlgorithm packing = new SchedulingAlgorithm(SchedulerConfig.defaults()
                .withScoringStrategy(ScoringStrategy.MOST_ALLOCATED).withRandomSeed(7L));
        List<NodeInfo> nodes = List.of(node("n1", "{'kubernetes.io/hostname':'n1'}"),
                node("n2", "{'kubernetes.io/hostname':'n2'}"), node("n3", "{'kubernetes.io/hostname':'n3'}"));
        ClusterView cluster = ClusterView.of(nodes,
                pod -> ownedByAReplicaSet ? Optional.of(LabelSelector.parse("app=web")) : Optional.empty());
        for (int i = 0; i < 6; i++) {
            PodInfo pod = pod("web-" + i, "{'app':'web'}",
                    "{'containers':[{'name':'c','resources':{'requests':{'cpu':'500m','memory':'1Gi'}}}]}");
            var placed = (SchedulingAlgorithm.Placed) packing.schedule(pod, cluster);
            nodes.stream().filter(n -> n.name().equals(placed.nodeName())).findFirst().orElseThrow()
                    .addPod(pod.assignedTo(placed.nodeName()));
        }
        return nodes.stream().map(NodeInfo::podCount).sorted().toList();
    }

    @Test
    void systemDefaultSpreadingOutweighsBinPackingForAReplicaSetsPods() {
        assertThat(replicasPerNode(false)).containsExactly(0, 0, 6);
        assertThat(replicasPerNode(true)).containsExactly(2, 2, 2);
    }

    /** A view of the nodes that also gives their values in columns, as the scheduler's cache does. */
    private static ClusterView withColumns(List<NodeInfo> nodes) {
        return withColumns(nodes, pod -> Optional.empty());
    }

    private static ClusterView withColumns(List<NodeInfo> nodes,
                                           Function<PodInfo, Optional<LabelSelector>> owners) {
        NodeColumns columns = new NodeColumns();
        for (int i = 0; i < nodes.size(); i++) {
            columns.attach(nodes.get(i), i);
        }
        return new ClusterView() {
            @Override
            public List<NodeInfo> nodes() {
                return nodes;
            }

            @Override
            public NodeColumns columns() {
                return columns;
            }

            @Override
            public Map<String, String> namespaceLabels(String namespace) {
                return Map.of();
            }

            @Override
            public Optional<LabelSelector> ownerSelector(PodInfo pod) {
                return owners.apply(pod);
            }
        };
    }

    @Test
    void decisionsFromColumnsAreTheDecisionsFromTheNodes() {
        Random random = new Random(11);
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            StringBuilder spec = new StringBuilder("{");
            int kind = random.nextInt(10);
            if (kind == 0) {
                spec.append("'unschedulable':true");
            } else if (kind == 1) {
                spec.append("'taints':[{'key':'dedicated','value':'db','effect':'NoSchedule'}]");
            } else if (kind == 2) {
                spec.append("'taints':[{'key':'spot','effect':'PreferNoSchedule'}]");
            } else if (kind == 3) {
                spec.append("'taints':[{'key':'evict','effect':'NoExecute'},{'key':'spot','effect':'PreferNoSchedule'}]");
            }
            spec.append("}");
            String labels = "{'disk':'" + (random.nextBoolean() ? "ssd" : "hdd") + "'}";
            String name = "n" + i;
            NodeInfo node = kind == 4
                    // with an extended resource
                    ? NodeInfo.of(Fixtures.json("{'metadata':{'name':'" + name + "','labels':" + labels + "},"
                            + "'status':{'allocatable':{'cpu':'8','memory':'16Gi','pods':'20','example.com/gpu':'2'},"
                            + "'conditions':[{'type':'Ready','status':'True'}]}}"))
                    : node(name, Integer.toString(1 + random.nextInt(8)), (1 + random.nextInt(16)) + "Gi",
                            3 + random.nextInt(18), labels, spec.toString());
            nodes.add(node);
        }
        ClusterView fromColumns = withColumns(nodes);
        ClusterView fromNodes = ClusterView.of(nodes);
        SchedulingAlgorithm columnar = new SchedulingAlgorithm(SchedulerConfig.defaults().withRandomSeed(5L));
        SchedulingAlgorithm plain = new SchedulingAlgorithm(SchedulerConfig.defaults().withRandomSeed(5L));
        int placed = 0;
        int unschedulable = 0;
        for (int i = 0; i < 1500; i++) {
            StringBuilder container = new StringBuilder("{'name':'c'");
            int shape = random.nextInt(10);
            if (shape != 0) {
                container.append(",'resources':{'requests':{'cpu':'").append(100 + random.nextInt(1900))
                        .append("m','memory':'").append(128 + random.nextInt(4000)).append("Mi'")
                        .append(shape == 1 ? ",'example.com/gpu':'1'" : "").append("}}");
            }
            container.append("}");
            StringBuilder spec = new StringBuilder("{'containers':[" + container + "]");
            if (shape == 2) {
                spec.append(",'tolerations':[{'key':'dedicated','operator':'Exists'}]");
            } else if (shape == 3) {
                spec.append(",'tolerations':[{'operator':'Exists'}]");
            } else if (shape == 4) {
                spec.append(",'nodeSelector':{'disk':'ssd'}");
            }
            spec.append("}");
            PodInfo pod = pod("p" + i, spec.toString());
            SchedulingAlgorithm.Result expected = plain.schedule(pod, fromNodes);
            SchedulingAlgorithm.Result actual = columnar.schedule(pod, fromColumns);
            if (expected instanceof SchedulingAlgorithm.Placed p) {
                assertThat(actual).as("pod %d", i).isEqualTo(p);
                nodes.stream().filter(n -> n.name().equals(p.nodeName())).findFirst().orElseThrow()
                        .addPod(pod.assignedTo(p.nodeName()));
                placed++;
            } else {
                assertThat(actual).as("pod %d", i).isInstanceOf(SchedulingAlgorithm.Unschedulable.class);
                assertThat(((SchedulingAlgorithm.Unschedulable) actual).error().message())
                        .isEqualTo(((SchedulingAlgorithm.Unschedulable) expected).error().message());
                unschedulable++;
            }
        }
        // the cluster fills up: both ways of deciding are exercised
        assertThat(placed).isGreaterThan(500);
        assertThat(unschedulable).isGreaterThan(100);
    }

    @Test
    void spreadingFromColumnsDecidesAsSpreadingFromTheNodes() {
        Random random = new Random(3);
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String name = "n" + i;
            List<String> labels = new ArrayList<>();
            if (random.nextInt(10) != 0) {
                labels.add("'kubernetes.io/hostname':'" + name + "'");
            }
            int zone = random.nextInt(5);
            if (zone < 3) {
                labels.add("'topology.kubernetes.io/zone':'z" + zone + "'");
            }
            nodes.add(node(name, "8", "32Gi", 40, "{" + String.join(",", labels) + "}", "{}"));
        }
        // what selects a pod: its Deployment's label, as a ReplicaSet's selector would
        Function<PodInfo, Optional<LabelSelector>> owners = pod -> pod.labels().containsKey("app")
                ? Optional.of(LabelSelector.parse("app=" + pod.labels().get("app"))) : Optional.empty();
        ClusterView fromColumns = withColumns(nodes, owners);
        ClusterView fromNodes = ClusterView.of(nodes, owners);
        SchedulingAlgorithm columnar = new SchedulingAlgorithm(SchedulerConfig.defaults().withRandomSeed(9L));
        SchedulingAlgorithm plain = new SchedulingAlgorithm(SchedulerConfig.defaults().withRandomSeed(9L));
        for (int i = 0; i < 1200; i++) {
            int kind = random.nextInt(10);
            String labels = kind == 0 ? "{}" : "{'app':'d" + random.nextInt(6) + "'}";
            String spec = "{'containers':[{'name':'c','resources':{'requests':{'cpu':'100m','memory':'500Mi'}}}]"
                    + (kind == 1 ? ",'topologySpreadConstraints':[{'maxSkew':1,'topologyKey':"
                    + "'topology.kubernetes.io/zone','whenUnsatisfiable':'ScheduleAnyway','labelSelector':"
                    + "{'matchLabels':" + labels + "}}]" : "") + "}";
            PodInfo pod = pod("p" + i, labels, spec);
            var expected = (SchedulingAlgorithm.Placed) plain.schedule(pod, fromNodes);
            assertThat(columnar.schedule(pod, fromColumns)).as("pod %d", i).isEqualTo(expected);
            nodes.stream().filter(n -> n.name().equals(expected.nodeName())).findFirst().orElseThrow()
                    .addPod(pod.assignedTo(expected.nodeName()));
        }
        // spreading did its work: no node with a hostname holds more than a few of one Deployment's 200 pods (one
        // without is left out of spreading by hostname)
        for (NodeInfo node : nodes) {
            if (node.label(NodeInfo.HOSTNAME_LABEL) != null) {
                Map<String, Long> perApp = node.pods().stream().collect(Collectors
                        .groupingBy(p -> p.labels().getOrDefault("app", ""), Collectors.counting()));
                assertThat(perApp.values()).as(node.name()).allMatch(c -> c <= 8);
            }
        }
    }
}

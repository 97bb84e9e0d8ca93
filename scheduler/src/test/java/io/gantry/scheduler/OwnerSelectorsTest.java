package io.gantry.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.selector.LabelSelector;
import io.gantry.scheduler.framework.PodInfo;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.gantry.scheduler.framework.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

class OwnerSelectorsTest {
    private final Map<String, ObjectNode> replicaSets = Map.of("default/web-abc", json(
            "{'metadata':{'name':'web-abc','namespace':'default'},'spec':{'selector':{'matchLabels':"
                    + "{'app':'web','pod-template-hash':'abc'}}}}"));
    private final Map<String, ObjectNode> statefulSets = Map.of("default/db", json(
            "{'metadata':{'name':'db','namespace':'default'},'spec':{'selector':{'matchExpressions':"
                    + "[{'key':'app','operator':'In','values':['db']}]}}}"));
    private final List<ObjectNode> services = List.of(
            json("{'metadata':{'name':'web','namespace':'default'},'spec':{'selector':{'app':'web'}}}"),
            json("{'metadata':{'name':'frontend','namespace':'default'},'spec':{'selector':{'tier':'front'}}}"),
            json("{'metadata':{'name':'other','namespace':'default'},'spec':{'selector':{'app':'other'}}}"),
            json("{'metadata':{'name':'manual','namespace':'default'},'spec':{}}"));
    private final OwnerSelectors owners = new OwnerSelectors(
            ns -> ns.equals("default") ? services : List.of(),
            (ns, name) -> Optional.ofNullable(replicaSets.get(ns + "/" + name)),
            (ns, name) -> Optional.ofNullable(statefulSets.get(ns + "/" + name)));

    private static PodInfo pod(String namespace, String labels, String owner) {
        return new PodInfo(json("{'metadata':{'name':'p','namespace':'" + namespace + "','labels':" + labels
                + ",'ownerReferences':[" + owner + "]},'spec':{}}"), 0);
    }

    private static String controller(String kind, String name) {
        return "{'apiVersion':'apps/v1','kind':'" + kind + "','name':'" + name + "','uid':'u','controller':true}";
    }

    @Test
    void servicesSelectingThePodAndItsReplicaSetMakeOneSelector() {
        PodInfo web = pod("default", "{'app':'web','tier':'front','pod-template-hash':'abc'}",
                controller("ReplicaSet", "web-abc"));
        LabelSelector selector = owners.of(web).orElseThrow();
        assertThat(selector.toString()).isEqualTo("app=web,tier=front,app=web,pod-template-hash=abc");
        assertThat(selector.matches(Map.of("app", "web", "tier", "front", "pod-template-hash", "abc"))).isTrue();
        assertThat(selector.matches(Map.of("app", "web", "tier", "front", "pod-template-hash", "old"))).isFalse();
    }

    @Test
    void aStatefulSetsExpressionsCount() {
        PodInfo db = pod("default", "{'app':'db'}", controller("StatefulSet", "db"));
        assertThat(owners.of(db).orElseThrow().toString()).isEqualTo("app in (db)");
    }

    @Test
    void nothingSelectsAPodWithoutServicesOrAKnownController() {
        assertThat(owners.of(pod("default", "{'app':'lonely'}", ""))).isEmpty();
        assertThat(owners.of(pod("elsewhere", "{'app':'web'}", ""))).isEmpty();
        // a Job's pods, or a ReplicaSet the cache does not hold (yet)
        assertThat(owners.of(pod("default", "{'app':'x'}",
                "{'apiVersion':'batch/v1','kind':'Job','name':'j','uid':'u','controller':true}"))).isEmpty();
        assertThat(owners.of(pod("default", "{'app':'x'}", controller("ReplicaSet", "gone")))).isEmpty();
    }
}

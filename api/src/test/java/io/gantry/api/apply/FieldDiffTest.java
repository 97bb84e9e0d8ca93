package io.gantry.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.gantry.api.apply.Yaml.obj;
import static org.assertj.core.api.Assertions.assertThat;

/** The one-walk comparison answers what comparing the maps of every path answers, on many random changes. */
class FieldDiffTest {
    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              namespace: default
              uid: u
              resourceVersion: "4"
              labels: {app: web, tier: front}
              annotations: {a: "1"}
              finalizers: [x.io/a, x.io/b]
              ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: rs, uid: r1, controller: true}]
            spec:
              nodeName: n1
              containers:
              - name: web
                image: nginx
                args: [a, b]
                ports: [{containerPort: 80, protocol: TCP}]
                env: [{name: A, value: "1"}, {name: B, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
                resources: {requests: {cpu: 100m}, limits: {memory: 1Gi}}
              - name: side
                image: busybox
              tolerations: [{key: k, operator: Exists}]
              nodeSelector: {zone: a}
            status:
              phase: Running
              conditions: [{type: Ready, status: "True"}, {type: PodScheduled, status: "True"}]
              podIPs: [{ip: 10.0.0.1}]
              containerStatuses: [{name: web, ready: true, restartCount: 0, state: {running: {startedAt: t}}}]
            """;
    private static final String SERVICE = """
            apiVersion: v1
            kind: Service
            metadata: {name: s, labels: {a: b}}
            spec:
              selector: {app: web}
              ports: [{port: 80, protocol: TCP, targetPort: 8080}, {port: 443, protocol: TCP}]
              clusterIPs: [10.96.0.1]
            """;
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: d, generation: 3}
            spec:
              replicas: 2
              selector: {matchLabels: {app: d}}
              template:
                metadata: {labels: {app: d}}
                spec:
                  containers: [{name: c, image: i, volumeMounts: [{name: v, mountPath: /v}]}]
                  volumes: [{name: v, emptyDir: {}}]
            """;

    @Test
    void oneWalkAgreesWithComparingEveryPath() {
        Random random = new Random(42);
        int compared = 0;
        for (var sample : List.of(Map.entry(POD, Pod.class), Map.entry(SERVICE, Service.class),
                Map.entry(DEPLOYMENT, Deployment.class))) {
            for (int round = 0; round < 400; round++) {
                ObjectNode before = obj(sample.getKey());
                mutate(before, random, 1 + random.nextInt(3));
                ObjectNode after = before.deepCopy();
                mutate(after, random, 1 + random.nextInt(4));
                agree(before, after, sample.getValue());
                agree(after, before, sample.getValue());
                agree(null, after, sample.getValue());
                compared += 3;
            }
        }
        assertThat(compared).isEqualTo(3600);
    }

    @Test
    void shapesItDoesNotTakeOnAreLeftToThePathMaps() {
        ObjectNode before = obj(SERVICE);
        ObjectNode after = obj(SERVICE);
        ((ArrayNode) after.at("/spec/ports")).addObject().put("port", 80).put("protocol", "TCP").put("name", "dup");
        List<FieldPath> changed = new ArrayList<>();
        assertThat(FieldDiff.compare(before, after, Service.class, changed, new ArrayList<>())).isFalse();
        agree(before, after, Service.class);
        after.put("metadata", "not an object");
        assertThat(FieldDiff.compare(before, after, Service.class, new ArrayList<>(), new ArrayList<>())).isFalse();
    }

    private static void agree(ObjectNode before, ObjectNode after, Class<?> model) {
        ManagedFields.Comparison expected = ManagedFields.compareAllPaths(before, after, model);
        ManagedFields.Comparison actual = ManagedFields.compare(before, after, model);
        assertThat(actual.changed()).as("changed: %s -> %s", before, after).isEqualTo(expected.changed());
        assertThat(actual.removed()).as("removed: %s -> %s", before, after).isEqualTo(expected.removed());
    }

    /** Random edits anywhere in the tree: values changed, fields and list items added or removed, types swapped. */
    private static void mutate(ObjectNode root, Random random, int edits) {
        for (int i = 0; i < edits; i++) {
            List<JsonNode> containers = new ArrayList<>();
            collect(root, containers);
            JsonNode target = containers.get(random.nextInt(containers.size()));
            if (target instanceof ObjectNode o) {
                List<String> names = new ArrayList<>();
                o.fieldNames().forEachRemaining(names::add);
                String name = names.isEmpty() || random.nextInt(4) == 0 ? "f" + random.nextInt(3)
                        : names.get(random.nextInt(names.size()));
                switch (random.nextInt(6)) {
                    case 0 -> o.remove(name);
                    case 1 -> o.put(name, "v" + random.nextInt(3));
                    case 2 -> o.put(name, random.nextInt(2));
                    case 3 -> o.putObject(name).put("x", random.nextInt(2));
                    case 4 -> o.putArray(name).add("v" + random.nextInt(2));
                    default -> o.putObject(name);
                }
            } else if (target instanceof ArrayNode a) {
                switch (random.nextInt(5)) {
                    case 0 -> {
                        if (!a.isEmpty()) {
                            a.remove(random.nextInt(a.size()));
                        }
                    }
                    case 1 -> a.add(TextNode.valueOf("v" + random.nextInt(3)));
                    case 2 -> a.add(IntNode.valueOf(random.nextInt(3)));
                    case 3 -> {
                        ObjectNode item = a.addObject();
                        for (String key : List.of("name", "type", "port", "ip", "key", "containerPort")) {
                            if (random.nextBoolean()) {
                                if (key.equals("port") || key.equals("containerPort")) {
                                    item.put(key, random.nextInt(3));
                                } else {
                                    item.put(key, "n" + random.nextInt(3));
                                }
                            }
                        }
                        item.put("protocol", "TCP");
                    }
                    default -> {
                        if (!a.isEmpty() && a.get(0) instanceof ObjectNode first) {
                            first.put("image", "i" + random.nextInt(3));
                        }
                    }
                }
            }
        }
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            node.forEach(child -> collect(child, out));
        }
    }
}

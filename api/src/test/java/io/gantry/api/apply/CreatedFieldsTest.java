package io.gantry.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.gantry.api.Json;
import io.gantry.api.RawJson;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static io.gantry.api.apply.Yaml.obj;
import static org.assertj.core.api.Assertions.assertThat;

/** The creator's field set rendered from a walk must be, byte for byte, what comparing with nothing renders. */
class CreatedFieldsTest {
    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web-1
              namespace: default
              generateName: web-
              uid: u
              labels: {app: web, "a.b/c": "x\\"y"}
              annotations: {note: "ü"}
              finalizers: [b, a, b]
              ownerReferences:
              - {apiVersion: apps/v1, kind: ReplicaSet, name: web, uid: r1, controller: true}
            spec:
              containers:
              - name: web
                image: nginx
                ports:
                - {containerPort: 80, protocol: TCP}
                - {containerPort: 443}
                env:
                - {name: B, value: "2"}
                - {name: A, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
                resources: {requests: {cpu: 100m, memory: 500Mi}, limits: {}}
                args: [x, y]
              - name: side
                image: busybox
              tolerations:
              - {key: k, operator: Exists}
              nodeSelector: {}
              volumes:
              - name: data
                emptyDir: {}
              priority: null
            status:
              phase: Pending
              conditions:
              - {type: PodScheduled, status: "False"}
            """;

    private static final List<Map.Entry<String, Class<?>>> OBJECTS = List.of(
            Map.entry(POD, Pod.class),
            Map.entry("""
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: d, labels: {app: d}}
                    spec:
                      replicas: 3
                      selector: {matchLabels: {app: d}}
                      strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 0}}
                      template:
                        metadata: {labels: {app: d}}
                        spec: {containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}
                    """, Deployment.class),
            Map.entry("""
                    apiVersion: v1
                    kind: Service
                    metadata: {name: s}
                    spec: {ports: [{port: 80, targetPort: 8080}, {port: 53, protocol: UDP}], selector: {app: d}}
                    """, Service.class),
            Map.entry("""
                    apiVersion: v1
                    kind: Event
                    metadata: {name: e.1, namespace: default}
                    involvedObject: {kind: Pod, name: p, namespace: default, uid: u, resourceVersion: "7"}
                    reason: Scheduled
                    message: "Successfully assigned default/p to node-1"
                    source: {component: gantry-scheduler}
                    firstTimestamp: "2026-11-28T00:00:00Z"
                    count: 1
                    type: Normal
                    """, Event.class),
            Map.entry("""
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: c}
                    data: {"k:{\\"x\\"}": "1", ".": "dot", "": "empty", "\\u0001": "ctl"}
                    """, ConfigMap.class),
            Map.entry("""
                    apiVersion: example.com/v1
                    kind: Thing
                    metadata: {name: t, labels: {a: b}}
                    spec: {list: [{name: a}, {name: a}], nested: {x: [1, 2]}, empty: {}}
                    """, GenericKubernetesResource.class),
            Map.entry("""
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: only-untracked, uid: u}
                    """, Pod.class),
            Map.entry("{}", Pod.class));

    @Test
    void rendersWhatComparingWithNothingRenders() {
        for (Map.Entry<String, Class<?>> e : OBJECTS) {
            assertSameRendering(obj(e.getKey()), e.getValue());
        }
    }

    /** Random cuts and copies of the pod's parts: missing, empty and repeated pieces in every place. */
    @Test
    void rendersWhatComparingWithNothingRendersForVariationsOfAPod() {
        SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 500; round++) {
            ObjectNode pod = obj(POD);
            List<JsonNode> containers = new ArrayList<>();
            collect(pod, containers);
            for (int change = random.nextInt(1, 6); change > 0; change--) {
                JsonNode target = containers.get(random.nextInt(containers.size()));
                if (target instanceof ObjectNode o && !o.isEmpty()) {
                    List<String> names = new ArrayList<>();
                    o.fieldNames().forEachRemaining(names::add);
                    String name = names.get(random.nextInt(names.size()));
                    switch (random.nextInt(3)) {
                        case 0 -> o.remove(name);
                        case 1 -> o.putObject(name);
                        default -> o.put(name, random.nextInt(3));
                    }
                } else if (target instanceof ArrayNode a && !a.isEmpty()) {
                    a.add(a.get(random.nextInt(a.size())).deepCopy());
                }
            }
            assertSameRendering(pod, Pod.class);
        }
    }

    @Test
    void leavesMalformedShapesToTheComparison() {
        assertThat(CreatedFields.of(obj("{metadata: [1]}"), Pod.class)).isNull();
        assertThat(CreatedFields.of(obj("{spec: {containers: [{name: a}, {name: a}]}}"), Pod.class)).isNull();
        ObjectNode created = ManagedFields.recordUpdate(null, obj("{metadata: {name: x}, spec: {containers: [{name: a}, {name: a}]}}"),
                "m", "", java.time.Instant.EPOCH, Pod.class);
        assertThat(ManagedFields.read(created)).singleElement()
                .satisfies(entry -> assertThat(entry.fields()).isEqualTo(
                        ManagedFields.compareAllPaths(null, obj("{metadata: {name: x}, spec: {containers: [{name: a}, {name: a}]}}"),
                                Pod.class).changed()));
    }

    private static void collect(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            node.forEach(child -> collect(child, out));
        }
    }

    private static void assertSameRendering(ObjectNode object, Class<?> modelClass) {
        JsonNode rendered = CreatedFields.of(object, modelClass);
        List<FieldPath> changed = new ArrayList<>();
        List<FieldPath> removed = new ArrayList<>();
        boolean walked = FieldDiff.compare(Json.object(), object, modelClass, changed, removed);
        if (!walked) {
            assertThat(rendered).as(object.toString()).isNull();
            return;
        }
        assertThat(rendered).as(object.toString()).isNotNull();
        assertThat(removed).isEmpty();
        assertThat(new String(RawJson.utf8(rendered))).as(object.toString())
                .isEqualTo(new String(RawJson.utf8(FieldSet.of(changed).toRawJson())));
        assertThat(ManagedFields.created(object, modelClass).changed()).isEqualTo(FieldSet.of(changed));
    }
}

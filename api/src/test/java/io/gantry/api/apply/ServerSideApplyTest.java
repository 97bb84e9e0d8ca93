package io.gantry.api.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.gantry.api.apply.Yaml.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerSideApplyTest {
    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");

    private static final String CONFIG = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels: {app: web, tier: front}
            spec:
              replicas: 2
              template:
                spec:
                  containers:
                  - name: web
                    image: nginx:1
                    env:
                    - {name: A, value: "1"}
                    - {name: B, value: "2"}
            """;

    private static ObjectNode apply(ObjectNode live, String config, String manager, boolean force) {
        return ServerSideApply.apply(live, obj(config), manager, force, Deployment.class, NOW);
    }

    private static ObjectNode withoutManagedFields(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        ((ObjectNode) copy.get("metadata")).remove("managedFields");
        return copy;
    }

    private static List<String> owned(ObjectNode object, String manager) {
        return ManagedFields.read(object).stream().filter(e -> e.manager().equals(manager)).findFirst()
                .map(e -> e.fields().paths().stream().map(FieldPath::toString).toList()).orElse(List.of());
    }

    @Test
    void createRecordsTheAppliedFieldsAsAnApplyEntry() {
        ObjectNode created = apply(null, CONFIG, "kubectl", false);
        assertThat(withoutManagedFields(created)).isEqualTo(obj(CONFIG));
        List<ManagedFieldsEntry> entries = ManagedFields.read(created);
        assertThat(entries).hasSize(1);
        ManagedFieldsEntry e = entries.get(0);
        assertThat(e.manager()).isEqualTo("kubectl");
        assertThat(e.operation()).isEqualTo(ManagedFieldsEntry.Operation.APPLY);
        assertThat(e.apiVersion()).isEqualTo("apps/v1");
        assertThat(e.time()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(e.fields()).isEqualTo(FieldSet.ofObject(obj(CONFIG), Deployment.class));
    }

    @Test
    void fieldsDroppedFromTheConfigurationAreRemoved() {
        ObjectNode live = apply(null, CONFIG, "kubectl", false);
        live.putObject("status").put("replicas", 2); // not the applier's: untouched
        ObjectNode next = apply(live, """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  labels: {app: web}
                spec:
                  replicas: 2
                  template:
                    spec:
                      containers:
                      - name: web
                        image: nginx:2
                        env:
                        - {name: A, value: "1"}
                """, "kubectl", false);
        assertThat(withoutManagedFields(next)).isEqualTo(obj("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  labels: {app: web}
                spec:
                  replicas: 2
                  template:
                    spec:
                      containers:
                      - name: web
                        image: nginx:2
                        env:
                        - {name: A, value: "1"}
                status: {replicas: 2}
                """));
        assertThat(owned(next, "kubectl")).doesNotContain(".metadata.labels.tier",
                ".spec.template.spec.containers[name=\"web\"].env[name=\"B\"]");
    }

    @Test
    void managersApplyingTheSameValueShareTheFieldAndItStaysWhileOneStillOwnsIt() {
        ObjectNode live = apply(null, CONFIG, "a", false);
        live = apply(live, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec: {replicas: 2}
                """, "b", false);
        assertThat(owned(live, "a")).contains(".spec.replicas");
        assertThat(owned(live, "b")).containsExactly(".spec.replicas");

        // a stops applying replicas: b still owns it, so it stays
        live = apply(live, CONFIG.replace("  replicas: 2\n", ""), "a", false);
        assertThat(live.at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(owned(live, "a")).doesNotContain(".spec.replicas");

        // b stops too: now nobody owns it and it goes
        live = apply(live, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, annotations: {b: "yes"}}
                """, "b", false);
        assertThat(live.at("/spec").has("replicas")).isFalse();
    }

    @Test
    void changingAnotherManagersFieldConflictsUnlessForced() {
        ObjectNode live = apply(null, CONFIG, "a", false);
        String otherReplicas = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec: {replicas: 5}
                """;
        ObjectNode before = live;
        assertThatThrownBy(() -> apply(before, otherReplicas, "b", false))
                .isInstanceOfSatisfying(ApplyConflictException.class, e -> {
                    assertThat(e.conflicts()).containsExactly(new Conflict("\"a\"", FieldPath.of("spec", "replicas")));
                    assertThat(e.getMessage()).isEqualTo("Apply failed with 1 conflict: conflict with \"a\": .spec.replicas");
                });

        ObjectNode cached = live.deepCopy();
        ((ObjectNode) cached.get("metadata")).set("managedFields",
                io.gantry.api.RawJson.node(io.gantry.api.Json.bytes(live.at("/metadata/managedFields"))));
        assertThatThrownBy(() -> apply(cached, otherReplicas, "b", false))
                .as("the same conflict against a copy whose whole list is raw JSON")
                .isInstanceOf(ApplyConflictException.class);

        ObjectNode forced = apply(live, otherReplicas, "b", true);
        assertThat(forced.at("/spec/replicas").asInt()).isEqualTo(5);
        assertThat(owned(forced, "b")).containsExactly(".spec.replicas");
        assertThat(owned(forced, "a")).doesNotContain(".spec.replicas").contains(".metadata.labels.app");
    }

    @Test
    void conflictsNameUpdateManagersWithVersionAndSubresource() {
        ObjectNode live = apply(null, CONFIG, "kubectl", false);
        ObjectNode scaled = live.deepCopy();
        ((ObjectNode) scaled.get("spec")).put("replicas", 3);
        ManagedFields.recordUpdate(live, scaled, "kubectl", "scale", NOW, Deployment.class);
        assertThat(owned(scaled, "kubectl")).doesNotContain(".spec.replicas");

        ObjectNode lessEnv = obj(CONFIG);
        ((ObjectNode) lessEnv.get("spec")).put("replicas", 4);
        assertThatThrownBy(() -> ServerSideApply.apply(scaled, lessEnv, "kubectl", false, Deployment.class, NOW))
                .hasMessage("Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" "
                        + "using apps/v1: .spec.replicas");

        ObjectNode two = obj(CONFIG);
        ((ObjectNode) two.get("spec")).put("replicas", 4);
        ((ObjectNode) two.get("metadata")).putObject("labels").put("app", "changed");
        ObjectNode byOther = ServerSideApply.apply(scaled, obj("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, labels: {app: web}}
                """), "other", false, Deployment.class, NOW);
        assertThatThrownBy(() -> ServerSideApply.apply(byOther, two, "kubectl2", false, Deployment.class, NOW))
                .hasMessage("Apply failed with 3 conflicts: conflicts with \"kubectl\":\n- .metadata.labels.app\n"
                        + "conflicts with \"kubectl\" with subresource \"scale\" using apps/v1:\n- .spec.replicas\n"
                        + "conflicts with \"other\":\n- .metadata.labels.app");
    }

    @Test
    void keyedListItemsAreOwnedOneByOne() {
        ObjectNode live = apply(null, CONFIG, "a", false);
        // b adds a sidecar and an env var to a's container: no conflict, b owns just what it added
        live = apply(live, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  template:
                    spec:
                      containers:
                      - name: web
                        env: [{name: C, value: "3"}]
                      - {name: sidecar, image: proxy}
                """, "b", false);
        assertThat(owned(live, "b")).containsExactly(
                ".spec.template.spec.containers[name=\"sidecar\"]",
                ".spec.template.spec.containers[name=\"sidecar\"].image",
                ".spec.template.spec.containers[name=\"sidecar\"].name",
                ".spec.template.spec.containers[name=\"web\"]",
                ".spec.template.spec.containers[name=\"web\"].env[name=\"C\"]",
                ".spec.template.spec.containers[name=\"web\"].env[name=\"C\"].name",
                ".spec.template.spec.containers[name=\"web\"].env[name=\"C\"].value",
                ".spec.template.spec.containers[name=\"web\"].name");

        // a re-applies its configuration without the web container: only what b owns in it survives
        ObjectNode withoutWeb = obj(CONFIG);
        ((ObjectNode) withoutWeb.at("/spec/template/spec")).putArray("containers");
        live = ServerSideApply.apply(live, withoutWeb, "a", false, Deployment.class, NOW);
        assertThat(live.at("/spec/template/spec/containers")).isEqualTo(obj("""
                x:
                - name: web
                  env: [{name: C, value: "3"}]
                - {name: sidecar, image: proxy}
                """).get("x"));
    }

    @Test
    void setsOfPrimitivesAreOwnedPerValue() {
        String withFinalizers = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, finalizers: [%s]}
                """;
        ObjectNode live = apply(null, withFinalizers.formatted("a.io/x"), "a", false);
        live = apply(live, withFinalizers.formatted("b.io/y"), "b", false);
        assertThat(live.at("/metadata/finalizers")).hasSize(2);
        live = apply(live, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, labels: {x: y}}
                """, "a", false);
        assertThat(live.at("/metadata/finalizers").toString()).isEqualTo("[\"b.io/y\"]");
    }

    @Test
    void managedFieldsInTheConfigurationAreRejected() {
        assertThatThrownBy(() -> apply(null, CONFIG.replace("  name: web\n", "  name: web\n  managedFields: []\n"),
                "a", false)).isInstanceOf(IllegalArgumentException.class);
    }
}

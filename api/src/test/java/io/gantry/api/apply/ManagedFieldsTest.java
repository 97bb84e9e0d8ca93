package io.gantry.api.apply;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.gantry.api.apply.Yaml.obj;
import static org.assertj.core.api.Assertions.assertThat;

class ManagedFieldsTest {
    private static final Instant T1 = Instant.parse("2024-05-01T10:00:00.123Z");
    private static final Instant T2 = Instant.parse("2024-05-01T11:00:00Z");

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              uid: u-1
              labels: {app: web}
            spec:
              replicas: 1
              template:
                spec:
                  containers: [{name: web, image: nginx}]
            """;

    private static ObjectNode created() {
        return ManagedFields.recordUpdate(null, obj(DEPLOYMENT), "kubectl-create", "", T1, Deployment.class);
    }

    /** The object as its JSON reads: the entries' fieldsV1 are written as raw JSON, equal to a parse only as text. */
    private static ObjectNode parsed(ObjectNode object) {
        return Json.parseObject(Json.bytes(object));
    }

    private static ManagedFieldsEntry entry(ObjectNode object, String manager) {
        return ManagedFields.read(object).stream().filter(e -> e.manager().equals(manager)).findFirst().orElse(null);
    }

    @Test
    void createMakesTheCreatorOwnEverythingItSet() {
        ObjectNode object = created();
        assertThat(parsed(object).at("/metadata/managedFields")).isEqualTo(Json.YAML.valueToTree(List.of(obj("""
                manager: kubectl-create
                operation: Update
                apiVersion: apps/v1
                time: "2024-05-01T10:00:00Z"
                fieldsType: FieldsV1
                fieldsV1:
                  f:metadata:
                    f:labels:
                      .: {}
                      f:app: {}
                  f:spec:
                    f:replicas: {}
                    f:template:
                      f:spec:
                        f:containers:
                          'k:{"name":"web"}':
                            .: {}
                            f:image: {}
                            f:name: {}
                """))));
    }

    @Test
    void changedFieldsMoveToTheUpdaterAndRemovedOnesToNobody() {
        ObjectNode old = created();
        ObjectNode updated = old.deepCopy();
        ((ObjectNode) updated.get("spec")).put("replicas", 3);
        ((ObjectNode) updated.at("/spec/template/spec/containers/0")).put("image", "nginx:2");
        ((ObjectNode) updated.get("metadata")).remove("labels");
        ManagedFields.recordUpdate(old, updated, "editor", "", T2, Deployment.class);

        ManagedFieldsEntry editor = entry(updated, "editor");
        assertThat(editor.fields().paths().stream().map(FieldPath::toString))
                .containsExactly(".spec.replicas", ".spec.template.spec.containers[name=\"web\"].image");
        assertThat(editor.time()).isEqualTo("2024-05-01T11:00:00Z");
        ManagedFieldsEntry creator = entry(updated, "kubectl-create");
        assertThat(creator.fields().paths().stream().map(FieldPath::toString))
                .containsExactly(".spec.template.spec.containers[name=\"web\"]",
                        ".spec.template.spec.containers[name=\"web\"].name");
        assertThat(creator.time()).isEqualTo("2024-05-01T10:00:00Z");

        // the creator loses its last fields: its entry goes away
        ObjectNode next = updated.deepCopy();
        next.at("/spec/template/spec/containers").forEach(c -> ((ObjectNode) c).put("name", "other"));
        ManagedFields.recordUpdate(updated, next, "editor", "", T2, Deployment.class);
        assertThat(entry(next, "kubectl-create")).isNull();
        assertThat(ManagedFields.read(next)).hasSize(1);
    }

    @Test
    void emptiedAndFilledObjectsAreNotMistakenForChangedLeaves() {
        ObjectNode old = created();
        ObjectNode emptied = old.deepCopy();
        ((ObjectNode) emptied.at("/spec/template")).putObject("metadata");
        ManagedFields.recordUpdate(old, emptied, "first", "", T2, Deployment.class);
        assertThat(entry(emptied, "first").fields())
                .isEqualTo(FieldSet.of(FieldPath.of("spec", "template", "metadata")));

        // the only label goes: the labels map is left empty, which is no field of the remover's
        ObjectNode unlabelled = emptied.deepCopy();
        ((ObjectNode) unlabelled.at("/metadata/labels")).remove("app");
        ManagedFields.recordUpdate(emptied, unlabelled, "second", "", T2, Deployment.class);
        assertThat(entry(unlabelled, "second").fields())
                .isEqualTo(FieldSet.of(FieldPath.of("metadata", "labels")));
        assertThat(entry(unlabelled, "kubectl-create").fields().paths().stream().map(FieldPath::toString))
                .doesNotContain(".metadata.labels.app");
    }

    @Test
    void aWriteOfFieldsItsWriterAlreadyOwnsLeavesTheEntriesAsStored() {
        ObjectNode old = created();
        ObjectNode renewed = old.deepCopy();
        ((ObjectNode) renewed.get("spec")).put("replicas", 2);
        ManagedFields.recordUpdate(old, renewed, "kubectl-create", "", T2, Deployment.class);
        // no field changed hands: not even the entry's time moves
        assertThat(renewed.at("/metadata/managedFields")).isEqualTo(old.at("/metadata/managedFields"));

        // the same on a subresource, whatever the client sent in managedFields
        ObjectNode reported = renewed.deepCopy();
        reported.putObject("status").put("replicas", 1);
        ManagedFields.recordUpdate(renewed, reported, "controller", "status", T1, Deployment.class);
        ObjectNode again = reported.deepCopy();
        ((ObjectNode) again.get("status")).put("replicas", 2);
        ((ObjectNode) again.get("metadata")).putArray("managedFields").addObject().put("manager", "x");
        ManagedFields.recordUpdate(reported, again, "controller", "status", T2, Deployment.class);
        assertThat(again.at("/metadata/managedFields")).isEqualTo(reported.at("/metadata/managedFields"));
    }

    @Test
    void anUpdateSentWithoutManagedFieldsStartsFromTheStoredOnes() {
        ObjectNode old = created();
        ObjectNode unchanged = old.deepCopy();
        ((ObjectNode) unchanged.get("metadata")).remove("managedFields");
        ManagedFields.recordUpdate(old, unchanged, "controller", "", T2, Deployment.class);
        assertThat(unchanged.at("/metadata/managedFields")).isEqualTo(old.at("/metadata/managedFields"));

        ObjectNode scaled = unchanged.deepCopy();
        ((ObjectNode) scaled.get("metadata")).remove("managedFields");
        ((ObjectNode) scaled.get("spec")).put("replicas", 4);
        ManagedFields.recordUpdate(old, scaled, "controller", "", T2, Deployment.class);
        assertThat(entry(scaled, "controller").fields()).isEqualTo(FieldSet.of(FieldPath.of("spec", "replicas")));
        assertThat(entry(scaled, "kubectl-create").fields().contains(FieldPath.of("spec", "replicas"))).isFalse();
    }

    @Test
    void aWholeManagedFieldsListKeptAsRawJsonIsReadAsTheList() {
        ObjectNode old = created();
        ObjectNode cached = old.deepCopy();
        // the watch cache's form: the whole list as its stored bytes
        ((ObjectNode) cached.get("metadata")).set("managedFields",
                io.gantry.api.RawJson.node(Json.bytes(old.at("/metadata/managedFields"))));
        ObjectNode scaled = cached.deepCopy();
        ((ObjectNode) scaled.get("spec")).put("replicas", 4);
        ManagedFields.recordUpdate(cached, scaled, "controller", "", T2, Deployment.class);
        assertThat(entry(scaled, "controller").fields()).isEqualTo(FieldSet.of(FieldPath.of("spec", "replicas")));
        assertThat(entry(scaled, "kubectl-create")).as("the creator's entry, read from the raw list").isNotNull();
        assertThat(ManagedFields.read(cached)).hasSize(1);

        ObjectNode converted = old.deepCopy();
        // a tree that Jackson converted holds a raw value as a String
        ((ObjectNode) converted.at("/metadata/managedFields/0")).set("fieldsV1",
                Json.MAPPER.valueToTree(old.at("/metadata/managedFields/0/fieldsV1")));
        ObjectNode relabelled = converted.deepCopy();
        ((ObjectNode) relabelled.at("/metadata/labels")).put("app", "other");
        ManagedFields.recordUpdate(converted, relabelled, "labeller", "", T2, Deployment.class);
        assertThat(entry(relabelled, "kubectl-create").fields().contains(FieldPath.of("spec", "replicas"))).isTrue();
    }

    @Test
    void storedEntriesReadLazilyGiveTheSameResultAsParsedOnes() {
        ObjectNode old = created();
        ObjectNode updated = old.deepCopy();
        ((ObjectNode) updated.at("/spec/template/spec/containers/0")).put("image", "nginx:2");
        // the client sends back what it read (the lazy path) or a copy it parsed itself (the eager one): same result
        ObjectNode eager = updated.deepCopy();
        ((ObjectNode) eager.get("metadata")).set("managedFields", Json.YAML.valueToTree(List.of(
                ((ObjectNode) old.at("/metadata/managedFields/0").deepCopy()).put("time", "2024-05-01T09:00:00Z"))));
        ManagedFields.recordUpdate(old, updated, "editor", "", T2, Deployment.class);
        ManagedFields.recordUpdate(old, eager, "editor", "", T2, Deployment.class);
        ((ObjectNode) eager.at("/metadata/managedFields/0")).put("time", "2024-05-01T10:00:00Z");
        assertThat(parsed(updated).at("/metadata/managedFields")).isEqualTo(parsed(eager).at("/metadata/managedFields"));
        assertThat(entry(updated, "kubectl-create").fields().contains(
                FieldPath.of("spec", "template", "spec", "containers").child(
                        PathElement.Key.of("name", com.fasterxml.jackson.databind.node.TextNode.valueOf("web")))
                        .field("image"))).isFalse();
    }

    @Test
    void statusWritesAreRecordedPerSubresource() {
        ObjectNode old = created();
        ObjectNode updated = old.deepCopy();
        updated.putObject("status").put("replicas", 1);
        ((ObjectNode) updated.get("metadata")).putArray("managedFields"); // ignored on a subresource
        ManagedFields.recordUpdate(old, updated, "controller", "status", T2, Deployment.class);
        ManagedFieldsEntry status = entry(updated, "controller");
        assertThat(status.subresource()).isEqualTo("status");
        assertThat(status.fields()).isEqualTo(FieldSet.of(FieldPath.of("status", "replicas")));
        assertThat(entry(updated, "kubectl-create")).isNotNull();
        assertThat(updated.at("/metadata/managedFields/1/subresource").asText()).isEqualTo("status");
    }

    @Test
    void clientsReplaceManagedFieldsOnlyWithAValidListAndClearThemWithAnEmptyOne() {
        ObjectNode old = created();

        ObjectNode garbage = old.deepCopy();
        ((ObjectNode) garbage.get("metadata")).set("managedFields", obj("x: [{manager: 1, fieldsV1: nonsense}]").get("x"));
        ManagedFields.recordUpdate(old, garbage, "editor", "", T2, Deployment.class);
        assertThat(parsed(garbage).at("/metadata/managedFields")).isEqualTo(parsed(old).at("/metadata/managedFields"));

        ObjectNode replaced = old.deepCopy();
        ((ObjectNode) replaced.get("metadata")).set("managedFields", obj("""
                x:
                - manager: someone
                  operation: Apply
                  apiVersion: apps/v1
                  fieldsType: FieldsV1
                  fieldsV1: {f:spec: {f:replicas: {}}}
                """).get("x"));
        ManagedFields.recordUpdate(old, replaced, "editor", "", T2, Deployment.class);
        assertThat(ManagedFields.read(replaced)).extracting(ManagedFieldsEntry::manager).containsExactly("someone");

        ObjectNode cleared = old.deepCopy();
        ((ObjectNode) cleared.get("metadata")).putArray("managedFields");
        ManagedFields.recordUpdate(old, cleared, "editor", "", T2, Deployment.class);
        assertThat(cleared.at("/metadata").has("managedFields")).isFalse();
    }
}

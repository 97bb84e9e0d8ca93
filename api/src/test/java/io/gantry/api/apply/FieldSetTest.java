package io.gantry.api.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import static io.gantry.api.apply.Yaml.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldSetTest {
    private static final FieldPath REPLICAS = FieldPath.of("spec", "replicas");
    private static final FieldPath CONTAINERS = FieldPath.of("spec", "template", "spec", "containers");
    private static final FieldPath WEB = CONTAINERS.child(PathElement.Key.of("name", TextNode.valueOf("web")));

    @Test
    void fieldsOfAnObjectFollowTheModel() {
        FieldSet set = FieldSet.ofObject(obj("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  namespace: default
                  resourceVersion: "5"
                  labels: {app: web}
                  finalizers: [a.io/x]
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - name: web
                        image: nginx
                        args: [a, b]
                        env: [{name: A, value: "1"}]
                      tolerations: [{key: k, operator: Exists}]
                """), Deployment.class);
        assertThat(set.toJson()).isEqualTo(obj("""
                f:metadata:
                  f:finalizers:
                    v:"a.io/x": {}
                  f:labels:
                    f:app: {}
                f:spec:
                  f:replicas: {}
                  f:selector:
                    f:matchLabels:
                      f:app: {}
                  f:template:
                    f:metadata:
                      f:labels:
                        f:app: {}
                    f:spec:
                      f:containers:
                        'k:{"name":"web"}':
                          .: {}
                          f:args: {}
                          f:env:
                            'k:{"name":"A"}':
                              .: {}
                              f:name: {}
                              f:value: {}
                          f:image: {}
                          f:name: {}
                      f:tolerations: {}
                """));
        assertThat(set.contains(WEB)).isTrue();
        assertThat(set.contains(WEB.field("image"))).isTrue();
        assertThat(set.contains(CONTAINERS)).isFalse();
        assertThat(set.containsPrefixOf(CONTAINERS)).isTrue();
    }

    @Test
    void fieldsV1RoundTrips() {
        var fieldsV1 = obj("""
                f:metadata:
                  f:labels:
                    .: {}
                    f:app: {}
                  f:finalizers:
                    .: {}
                    v:"a.io/x": {}
                f:spec:
                  f:ports:
                    'k:{"port":80,"protocol":"TCP"}':
                      .: {}
                      f:port: {}
                  f:list:
                    i:0:
                      f:x: {}
                """);
        FieldSet set = FieldSet.fromJson(fieldsV1);
        assertThat(set.size()).isEqualTo(7);
        assertThat(set.contains(FieldPath.of("metadata", "labels"))).isTrue();
        assertThat(set.contains(FieldPath.of("spec", "ports"))).isFalse();
        assertThat(set.toJson()).isEqualTo(fieldsV1);
        assertThat(FieldSet.fromJson(set.toJson())).isEqualTo(set);
        assertThat(set.paths().stream().map(FieldPath::toString)).contains(
                ".metadata.finalizers[=\"a.io/x\"]", ".spec.ports[port=80,protocol=\"TCP\"].port", ".spec.list[0].x");
    }

    @Test
    void fieldsV1ReadInKubernetesOrderIsWrittenBackAsACopyAndOtherwiseRendered() {
        var ordered = obj("""
                f:spec:
                  f:list: {}
                  f:ports:
                    'k:{"port":80,"protocol":"TCP"}':
                      .: {}
                      f:port: {}
                """);
        var copy = FieldSet.fromJson(ordered).toJson();
        assertThat(copy).isEqualTo(ordered).isNotSameAs(ordered);
        copy.remove("f:spec");
        assertThat(ordered.has("f:spec")).isTrue();

        var unordered = obj("""
                f:spec:
                  f:ports: {}
                  f:list: {}
                """);
        Iterable<String> rendered = () -> FieldSet.fromJson(unordered).toJson().get("f:spec").fieldNames();
        assertThat(rendered).containsExactly("f:list", "f:ports");
        var lonelyDot = obj("""
                f:spec:
                  f:x:
                    .: {}
                """);
        assertThat(FieldSet.fromJson(lonelyDot).toJson()).isEqualTo(obj("""
                f:spec:
                  f:x: {}
                """));
    }

    @Test
    void malformedFieldsV1IsRejected() {
        assertThatThrownBy(() -> FieldSet.fromJson(obj("x:y: {}"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FieldSet.fromJson(obj("f:a: 1"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FieldSet.fromJson(obj("'k:[1]': {}"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FieldSet.fromJson(obj("'v:{': {}"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void setOperations() {
        FieldSet a = FieldSet.of(REPLICAS, WEB, WEB.field("image"));
        FieldSet b = FieldSet.of(REPLICAS, FieldPath.of("spec", "paused"));
        assertThat(a.union(b).paths()).containsExactly(FieldPath.of("spec", "paused"), REPLICAS, WEB, WEB.field("image"));
        assertThat(a.intersection(b)).isEqualTo(FieldSet.of(REPLICAS));
        assertThat(a.difference(b)).isEqualTo(FieldSet.of(WEB, WEB.field("image")));
        assertThat(a.difference(a).isEmpty()).isTrue();
        assertThat(WEB.field("image").toString()).isEqualTo(".spec.template.spec.containers[name=\"web\"].image");
    }

    @Test
    void aStoredSetAnswersFromItsJsonAsAParsedOneDoes() {
        FieldSet parsed = FieldSet.fromJson(obj("""
                f:spec:
                  f:replicas: {}
                  f:template:
                    f:spec:
                      f:containers:
                        'k:{"name":"web"}':
                          .: {}
                          f:image: {}
                """));
        FieldSet stored = FieldSet.fromStoredJson(parsed.toJson());
        for (FieldPath p : new FieldPath[]{REPLICAS, WEB, WEB.field("image"), WEB.field("name"), CONTAINERS,
                FieldPath.of("spec"), FieldPath.of("status")}) {
            assertThat(stored.contains(p)).as(p.toString()).isEqualTo(parsed.contains(p));
        }
        // untouched by paths it does not hold: the same set, still unparsed
        FieldSet others = FieldSet.of(WEB.field("name"), FieldPath.of("status", "phase"));
        assertThat(stored.difference(others)).isSameAs(stored);
        assertThat(stored.union(FieldSet.of(REPLICAS))).isSameAs(stored);
        // touched: the same answers as the parsed set
        assertThat(stored.difference(FieldSet.of(REPLICAS))).isEqualTo(parsed.difference(FieldSet.of(REPLICAS)));
        assertThat(stored.union(others)).isEqualTo(parsed.union(others));
        assertThat(stored).isEqualTo(parsed);
        assertThat(FieldSet.fromStoredJson(obj("{}")).isEmpty()).isTrue();
    }

    @Test
    void aListOfPathsInAnyOrderWithRepeatsMakesTheSetOfThem() {
        FieldPath image = WEB.field("image");
        FieldPath name = WEB.field("name");
        FieldPath finalizer = FieldPath.of("metadata", "finalizers").child(new PathElement.Value(TextNode.valueOf("a")));
        java.util.List<FieldPath> paths = java.util.List.of(image, REPLICAS, WEB, name, image, finalizer, REPLICAS,
                FieldPath.of("metadata", "labels", "app"), CONTAINERS);
        assertThat(FieldSet.of(paths).paths()).containsExactlyElementsOf(new java.util.TreeSet<>(paths)).hasSize(7);
        assertThat(FieldSet.of(java.util.List.<FieldPath>of()).isEmpty()).isTrue();
    }

    /** toJson against a rendering built the plain way, a tree of sorted maps, for random sets of paths. */
    @Test
    void rendersAsATreeOfSortedMapsWould() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        PathElement[] vocabulary = {new PathElement.Field("a"), new PathElement.Field("b"),
                new PathElement.Field("spec"), PathElement.Key.of("name", TextNode.valueOf("web")),
                PathElement.Key.of("name", TextNode.valueOf("db")), new PathElement.Value(TextNode.valueOf("x")),
                new PathElement.Index(0)};
        for (int round = 0; round < 2_000; round++) {
            java.util.List<FieldPath> paths = randomPaths(random, vocabulary, 1, 12, 5);
            FieldSet set = FieldSet.of(paths);
            // as text: key order is part of the form (ObjectNode.equals ignores it)
            assertThat(set.toJson().toString()).as(paths.toString()).isEqualTo(plainRendering(set).toString());
            assertThat(FieldSet.fromJson(set.toJson())).isEqualTo(set);
            assertThat(set.toRawJson().toString()).as(paths.toString()).isEqualTo(plainRendering(set).toString());
        }
    }

    /** A set read from its raw stored JSON answers every question as the set itself, parsed or not. */
    @Test
    void aSetReadFromRawJsonAnswersAsTheSetItself() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        PathElement[] vocabulary = {new PathElement.Field("a"), new PathElement.Field("b"),
                new PathElement.Field("status"), PathElement.Key.of("type", TextNode.valueOf("Ready")),
                new PathElement.Value(TextNode.valueOf("x\"y"))};
        for (int round = 0; round < 2_000; round++) {
            FieldSet set = randomSet(random, vocabulary);
            FieldSet other = random.nextInt(8) == 0 ? FieldSet.empty() : randomSet(random, vocabulary);
            JsonNode raw = set.toRawJson();
            assertThat(FieldSet.fromStoredJson(raw).toRawJson()).isSameAs(raw);
            assertThat(FieldSet.fromStoredJson(raw).isEmpty()).isEqualTo(set.isEmpty());
            assertThat(FieldSet.fromStoredJson(raw).difference(other)).as(set + " - " + other)
                    .isEqualTo(set.difference(other));
            assertThat(FieldSet.fromStoredJson(raw).union(other)).isEqualTo(set.union(other));
            FieldSet read = FieldSet.fromStoredJson(raw);
            for (FieldPath p : other.paths()) {
                assertThat(read.contains(p)).isEqualTo(set.contains(p));
            }
            assertThat(read).isEqualTo(set);
            assertThat(read.toJson()).isEqualTo(set.toJson());
        }
        assertThat(FieldSet.fromStoredJson(FieldSet.empty().toRawJson()).isEmpty()).isTrue();
    }

    private static FieldSet randomSet(java.util.SplittableRandom random, PathElement[] vocabulary) {
        return FieldSet.of(randomPaths(random, vocabulary, 0, 6, 4));
    }

    /** From {@code least} to {@code most - 1} paths, each 1 to {@code deepest - 1} elements of the vocabulary. */
    private static java.util.List<FieldPath> randomPaths(java.util.SplittableRandom random, PathElement[] vocabulary,
                                                         int least, int most, int deepest) {
        java.util.List<FieldPath> paths = new java.util.ArrayList<>();
        for (int n = random.nextInt(least, most); n > 0; n--) {
            FieldPath path = FieldPath.ROOT;
            for (int depth = random.nextInt(1, deepest); depth > 0; depth--) {
                path = path.child(vocabulary[random.nextInt(vocabulary.length)]);
            }
            paths.add(path);
        }
        return paths;
    }

    @Test
    void theRawFormIsTheJsonOfTheTreeForm() {
        FieldSet set = FieldSet.fromJson(obj("""
                {"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{}}}}}"""));
        JsonNode raw = set.toRawJson();
        assertThat(io.gantry.api.RawJson.isRaw(raw)).isTrue();
        assertThat(io.gantry.api.RawJson.parse(raw)).isEqualTo(set.toJson());
        assertThat(io.gantry.api.Json.bytes(raw)).isEqualTo(io.gantry.api.Json.bytes(set.toJson()));
        FieldSet stored = FieldSet.fromStoredJson(set.toJson());
        assertThat(io.gantry.api.RawJson.parse(stored.toRawJson())).isEqualTo(set.toJson());
        assertThat(io.gantry.api.RawJson.parse(FieldSet.empty().toRawJson())).isEqualTo(io.gantry.api.Json.object());
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode plainRendering(FieldSet set) {
        final class Node {
            final java.util.TreeMap<PathElement, Node> children = new java.util.TreeMap<>();
            boolean member;

            com.fasterxml.jackson.databind.node.ObjectNode render() {
                var json = io.gantry.api.Json.object();
                if (member && !children.isEmpty()) {
                    json.putObject(".");
                }
                children.forEach((e, child) -> json.set(e.fieldsV1Key(), child.render()));
                return json;
            }
        }
        Node root = new Node();
        for (FieldPath path : set.paths()) {
            Node node = root;
            for (PathElement e : path.elements()) {
                node = node.children.computeIfAbsent(e, k -> new Node());
            }
            node.member = true;
        }
        return root.render();
    }

    @Test
    void aSortedRunAnswersAsASortedSetOfItsPaths() {
        FieldPath a = FieldPath.of("a");
        FieldPath b = FieldPath.of("b");
        FieldPath c = FieldPath.of("c");
        FieldPath d = FieldPath.of("d");
        FieldSet.SortedRun run = new FieldSet.SortedRun(java.util.List.of(a, c, d));
        java.util.TreeSet<FieldPath> same = new java.util.TreeSet<>(java.util.List.of(a, c, d));
        assertThat(run).containsExactlyElementsOf(same);
        assertThat(run.first()).isEqualTo(a);
        assertThat(run.last()).isEqualTo(d);
        assertThat(run.headSet(c)).containsExactlyElementsOf(same.headSet(c));
        assertThat(run.headSet(b)).containsExactlyElementsOf(same.headSet(b));
        assertThat(run.tailSet(b)).containsExactlyElementsOf(same.tailSet(b));
        assertThat(run.tailSet(c)).containsExactlyElementsOf(same.tailSet(c));
        assertThat(run.subSet(b, d)).containsExactlyElementsOf(same.subSet(b, d));
        assertThat(run.subSet(a, a)).isEmpty();
        assertThatThrownBy(() -> run.subSet(d, a)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> run.iterator().remove()).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> new FieldSet.SortedRun(java.util.List.of()).first())
                .isInstanceOf(java.util.NoSuchElementException.class);
    }
}

package io.gantry.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.api.schema.SchemaNames;
import io.gantry.api.schema.Subresource;
import io.gantry.api.schema.SubresourceKinds;
import io.gantry.api.schema.TypeGraph;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code /openapi/v3} index and one OpenAPI 3.0 document per group version, as kubectl reads them for
 * {@code explain} and to decide that validation is left to the server. Documents are generated on first use
 * and cached; they never change for a given registry, so their hash can be published in the index.
 */
public final class OpenApiV3 {
    private final ResourceRegistry registry;
    private final TypeGraph graph;
    private final String infoVersion;
    /** gvPath ("api/v1", "apis/apps/v1") to group and version. */
    private final Map<String, List<String>> groupVersions = new LinkedHashMap<>();
    private final Map<String, Document> documents = new ConcurrentHashMap<>();
    private volatile byte[] index;

    private record Document(byte[] bytes, String hash) {
    }

    public OpenApiV3(ResourceRegistry registry, TypeGraph graph, String infoVersion) {
        this.registry = registry;
        this.graph = graph;
        this.infoVersion = infoVersion;
        registry.groupVersions().forEach((group, versions) -> versions.forEach(version ->
                groupVersions.put(gvPath(group, version), List.of(group, version))));
    }

    public OpenApiV3(ResourceRegistry registry) {
        this(registry, TypeGraph.of(registry), "v1.32.0");
    }

    /** "api/v1" for the core group, "apis/G/V" otherwise, as keys of the index. */
    public static String gvPath(String group, String version) {
        return group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
    }

    public Set<String> groupVersionPaths() {
        return groupVersions.keySet();
    }

    /** {@code /openapi/v3}: every group version with its hash-pinned URL. */
    public byte[] index() {
        byte[] current = index;
        if (current == null) {
            ObjectNode doc = Json.object();
            ObjectNode paths = doc.putObject("paths");
            for (String gv : groupVersions.keySet()) {
                paths.putObject(gv).put("serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + hash(gv));
            }
            current = Json.bytes(doc);
            index = current;
        }
        return current.clone();
    }

    /** The document of a group version path such as "api/v1" or "apis/apps/v1"; empty if unknown. */
    public Optional<byte[]> document(String groupVersionPath) {
        return load(groupVersionPath).map(d -> d.bytes().clone());
    }

    /** The SHA-512 of the document (upper-case hex, as Kubernetes publishes it). */
    public String hash(String groupVersionPath) {
        return load(groupVersionPath).map(Document::hash)
                .orElseThrow(() -> new IllegalArgumentException("Unknown group version " + groupVersionPath));
    }

    private Optional<Document> load(String gvPath) {
        String key = gvPath.startsWith("/") ? gvPath.substring(1) : gvPath;
        List<String> gv = groupVersions.get(key);
        if (gv == null) {
            return Optional.empty();
        }
        return Optional.of(documents.computeIfAbsent(key, k -> {
            byte[] bytes = Json.bytes(build(gv.get(0), gv.get(1)));
            return new Document(bytes, sha512(bytes));
        }));
    }

    private ObjectNode build(String group, String version) {
        ObjectNode doc = Json.object();
        doc.put("openapi", "3.0.0");
        doc.putObject("info").put("title", "Kubernetes").put("version", infoVersion);
        ObjectNode paths = doc.putObject("paths");
        ObjectNode schemas = Json.object();

        Map<String, List<SchemaWriter.Gvk>> gvks = new LinkedHashMap<>();
        Set<String> roots = new LinkedHashSet<>();
        roots.add(SchemaNames.of(io.fabric8.kubernetes.api.model.Status.class));
        roots.add(SchemaNames.of(io.fabric8.kubernetes.api.model.DeleteOptions.class));
        roots.add(SchemaWriter.LIST_META);
        gvks.put(SchemaNames.of(io.fabric8.kubernetes.api.model.Status.class),
                List.of(new SchemaWriter.Gvk("", "v1", "Status")));
        PathWriter pathWriter = new PathWriter(paths);
        List<ResourceType> types = registry.inGroupVersion(group, version);
        for (ResourceType type : types) {
            String schema = SchemaNames.of(type.modelClass());
            roots.add(schema);
            addGvk(gvks, schema, new SchemaWriter.Gvk(type.group(), type.version(), type.kind()));
            List<PathWriter.ResolvedSubresource> subs = new ArrayList<>();
            for (Subresource sub : SubresourceKinds.of(type)) {
                String subSchema = SchemaNames.of(sub.modelClass());
                roots.add(subSchema);
                if (!sub.sameKindAs(type)) {
                    addGvk(gvks, subSchema, new SchemaWriter.Gvk(sub.group(), sub.version(), sub.kind()));
                }
                subs.add(new PathWriter.ResolvedSubresource(sub, subSchema));
            }
            pathWriter.write(type, schema, subs);
        }
        SchemaWriter writer = new SchemaWriter(graph);
        writer.addObjectTypes(schemas, roots, gvks);
        for (ResourceType type : types) {
            writer.addList(schemas, SchemaNames.of(type.modelClass()),
                    new SchemaWriter.Gvk(type.group(), type.version(), type.listKind()));
        }
        SchemaWriter.addPatch(schemas);
        doc.putObject("components").set("schemas", schemas);
        return doc;
    }

    private static void addGvk(Map<String, List<SchemaWriter.Gvk>> gvks, String schema, SchemaWriter.Gvk gvk) {
        List<SchemaWriter.Gvk> list = gvks.computeIfAbsent(schema, s -> new ArrayList<>());
        if (!list.contains(gvk)) {
            list.add(gvk);
        }
    }

    private static String sha512(byte[] bytes) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is required of every JVM", e);
        }
    }
}

package io.gantry.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.api.schema.Subresource;
import io.gantry.api.schema.SubresourceKinds;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The discovery documents of a registry: {@code /version}, legacy discovery ({@code /api}, {@code /apis},
 * {@code /api/v1}, {@code /apis/G/V}) and aggregated discovery v2. Every method returns a fresh tree.
 */
public final class Discovery {
    /** Every resource supports the full set of verbs; the generic REST handler serves them all. */
    static final List<String> VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    private final ResourceRegistry registry;
    private final BuildInfo build;

    public Discovery(ResourceRegistry registry, BuildInfo build) {
        this.registry = registry;
        this.build = build;
    }

    /** A discovery response: the body and the exact Content-Type to send with it. */
    public record Answer(String contentType, ObjectNode body) {
        public byte[] bytes() {
            return Json.bytes(body);
        }
    }

    /**
     * Answers a discovery path ({@code /version}, {@code /api}, {@code /apis}, {@code /api/v1},
     * {@code /apis/G/V}) in the form the Accept header asks for; empty if the path is not a discovery path.
     */
    public Optional<Answer> answer(String path, String accept) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (p.equals("/version")) {
            return Optional.of(new Answer(DiscoveryFormat.LEGACY.contentType(), version()));
        }
        if (p.equals("/api") || p.equals("/apis")) {
            DiscoveryFormat format = negotiate(accept);
            boolean core = p.equals("/api");
            ObjectNode body = format == DiscoveryFormat.AGGREGATED_V2
                    ? (core ? aggregatedCore() : aggregatedGroups())
                    : (core ? apiVersions() : apiGroupList());
            return Optional.of(new Answer(format.contentType(), body));
        }
        String[] segments = p.split("/");
        if (segments.length == 3 && segments[1].equals("api")) {
            return resourceList("", segments[2]).map(b -> new Answer(DiscoveryFormat.LEGACY.contentType(), b));
        }
        if (segments.length == 4 && segments[1].equals("apis")) {
            return resourceList(segments[2], segments[3])
                    .map(b -> new Answer(DiscoveryFormat.LEGACY.contentType(), b));
        }
        return Optional.empty();
    }

    /**
     * Which form {@code /api} and {@code /apis} should take. Aggregated discovery only when the client
     * explicitly asks for it as JSON; anything else (including no Accept, or only protobuf) gets legacy JSON,
     * which every client understands, rather than a 406.
     */
    public static DiscoveryFormat negotiate(String accept) {
        for (AcceptHeader.MediaRange range : AcceptHeader.parse(accept).ranges()) {
            if (range.quality() <= 0 || !range.matchesJson()) {
                continue;
            }
            Map<String, String> params = range.parameters();
            if (params.isEmpty()) {
                return DiscoveryFormat.LEGACY;
            }
            if ("apidiscovery.k8s.io".equals(params.get("g")) && "v2".equals(params.get("v"))
                    && "APIGroupDiscoveryList".equals(params.get("as"))) {
                return DiscoveryFormat.AGGREGATED_V2;
            }
        }
        return DiscoveryFormat.LEGACY;
    }

    public ObjectNode version() {
        ObjectNode v = Json.object();
        v.put("major", build.major());
        v.put("minor", build.minor());
        v.put("gitVersion", build.gitVersion());
        v.put("gitCommit", build.gitCommit());
        v.put("gitTreeState", build.gitTreeState());
        v.put("buildDate", build.formattedBuildDate());
        v.put("goVersion", build.goVersion());
        v.put("compiler", build.compiler());
        v.put("platform", build.platform());
        return v;
    }

    /** {@code /api}. */
    public ObjectNode apiVersions() {
        ObjectNode doc = Json.object();
        doc.put("kind", "APIVersions");
        ArrayNode versions = doc.putArray("versions");
        registry.groupVersions().getOrDefault("", List.of()).forEach(versions::add);
        // The server's address depends on the client's route; clients fall back to the URL they used.
        doc.putArray("serverAddressByClientCIDRs");
        return doc;
    }

    /** {@code /apis}: every named group, preferred version first. */
    public ObjectNode apiGroupList() {
        ObjectNode doc = Json.object();
        doc.put("kind", "APIGroupList");
        doc.put("apiVersion", "v1");
        ArrayNode groups = doc.putArray("groups");
        registry.groupVersions().forEach((group, versions) -> {
            if (group.isEmpty()) {
                return;
            }
            ObjectNode g = groups.addObject();
            g.put("name", group);
            ArrayNode vs = g.putArray("versions");
            versions.forEach(v -> vs.addObject().put("groupVersion", group + "/" + v).put("version", v));
            g.putObject("preferredVersion").put("groupVersion", group + "/" + versions.getFirst())
                    .put("version", versions.getFirst());
        });
        return doc;
    }

    /** {@code /api/v1} (group "") or {@code /apis/G/V}; empty for a group version the registry lacks. */
    public Optional<ObjectNode> resourceList(String group, String version) {
        List<ResourceType> types = registry.inGroupVersion(group, version);
        if (types.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode doc = Json.object();
        doc.put("kind", "APIResourceList");
        doc.put("apiVersion", "v1");
        doc.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
        ArrayNode resources = doc.putArray("resources");
        for (ResourceType t : types) {
            ObjectNode r = resources.addObject();
            r.put("name", t.plural());
            r.put("singularName", t.singular());
            r.put("namespaced", t.namespaced());
            r.put("kind", t.kind());
            strings(r.putArray("verbs"), VERBS);
            if (!t.shortNames().isEmpty()) {
                strings(r.putArray("shortNames"), t.shortNames());
            }
            if (!t.categories().isEmpty()) {
                strings(r.putArray("categories"), t.categories());
            }
            for (Subresource sub : SubresourceKinds.of(t)) {
                ObjectNode s = resources.addObject();
                s.put("name", t.plural() + "/" + sub.name());
                s.put("singularName", "");
                s.put("namespaced", t.namespaced());
                if (!sub.sameKindAs(t)) {
                    s.put("group", sub.group());
                    s.put("version", sub.version());
                }
                s.put("kind", sub.kind());
                strings(s.putArray("verbs"), sub.verbs());
            }
        }
        return Optional.of(doc);
    }

    /** Aggregated discovery for {@code /api}: the core group, which has no name. */
    public ObjectNode aggregatedCore() {
        ObjectNode doc = aggregatedList();
        ArrayNode items = doc.putArray("items");
        List<String> versions = registry.groupVersions().get("");
        if (versions != null) {
            aggregatedGroup(items, "", versions);
        }
        return doc;
    }

    /** Aggregated discovery for {@code /apis}: every named group. */
    public ObjectNode aggregatedGroups() {
        ObjectNode doc = aggregatedList();
        ArrayNode items = doc.putArray("items");
        registry.groupVersions().forEach((group, versions) -> {
            if (!group.isEmpty()) {
                aggregatedGroup(items, group, versions);
            }
        });
        return doc;
    }

    private static ObjectNode aggregatedList() {
        ObjectNode doc = Json.object();
        doc.put("kind", "APIGroupDiscoveryList");
        doc.put("apiVersion", "apidiscovery.k8s.io/v2");
        doc.putObject("metadata");
        return doc;
    }

    private void aggregatedGroup(ArrayNode items, String group, List<String> versions) {
        ObjectNode item = items.addObject();
        ObjectNode metadata = item.putObject("metadata");
        if (!group.isEmpty()) {
            metadata.put("name", group);
        }
        ArrayNode vs = item.putArray("versions");
        for (String version : versions) {
            ObjectNode v = vs.addObject();
            v.put("version", version);
            ArrayNode resources = v.putArray("resources");
            for (ResourceType t : registry.inGroupVersion(group, version)) {
                ObjectNode r = resources.addObject();
                r.put("resource", t.plural());
                kind(r.putObject("responseKind"), t.group(), t.version(), t.kind());
                r.put("scope", t.namespaced() ? "Namespaced" : "Cluster");
                r.put("singularResource", t.singular());
                strings(r.putArray("verbs"), VERBS);
                if (!t.shortNames().isEmpty()) {
                    strings(r.putArray("shortNames"), t.shortNames());
                }
                if (!t.categories().isEmpty()) {
                    strings(r.putArray("categories"), t.categories());
                }
                List<Subresource> subs = SubresourceKinds.of(t);
                if (!subs.isEmpty()) {
                    ArrayNode subresources = r.putArray("subresources");
                    for (Subresource sub : subs) {
                        ObjectNode s = subresources.addObject();
                        s.put("subresource", sub.name());
                        kind(s.putObject("responseKind"), sub.group(), sub.version(), sub.kind());
                        strings(s.putArray("verbs"), sub.verbs());
                    }
                }
            }
            v.put("freshness", "Current");
        }
    }

    private static void kind(ObjectNode node, String group, String version, String kind) {
        node.put("group", group).put("version", version).put("kind", kind);
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}

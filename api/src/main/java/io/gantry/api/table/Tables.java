package io.gantry.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Server-side tables ({@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}) for the built-in kinds,
 * with the columns and cell formatting of Kubernetes' own printers so {@code kubectl get} output looks the same.
 */
public final class Tables {
    /** Printers keyed by {@code group + "/" + kind}; immutable. */
    private static final Map<String, TableConvertor> PRINTERS = Map.ofEntries(
            Map.entry("/Pod", new PodPrinter()),
            Map.entry("/Namespace", CorePrinters.namespace()),
            Map.entry("/Node", CorePrinters.node()),
            Map.entry("/Service", CorePrinters.service()),
            Map.entry("/Endpoints", CorePrinters.endpoints()),
            Map.entry("/ConfigMap", CorePrinters.configMap()),
            Map.entry("/Secret", CorePrinters.secret()),
            Map.entry("/ServiceAccount", CorePrinters.serviceAccount()),
            Map.entry("/PersistentVolume", CorePrinters.persistentVolume()),
            Map.entry("/PersistentVolumeClaim", CorePrinters.persistentVolumeClaim()),
            Map.entry("/ResourceQuota", CorePrinters.resourceQuota()),
            Map.entry("/LimitRange", CorePrinters.limitRange()),
            Map.entry("/Event", EventPrinter.core()),
            Map.entry("events.k8s.io/Event", EventPrinter.eventsV1()),
            Map.entry("apps/Deployment", WorkloadPrinters.deployment()),
            Map.entry("apps/ReplicaSet", WorkloadPrinters.replicaSet()),
            Map.entry("apps/StatefulSet", WorkloadPrinters.statefulSet()),
            Map.entry("apps/DaemonSet", WorkloadPrinters.daemonSet()),
            Map.entry("apps/ControllerRevision", WorkloadPrinters.controllerRevision()),
            Map.entry("batch/Job", WorkloadPrinters.job()),
            Map.entry("batch/CronJob", WorkloadPrinters.cronJob()),
            Map.entry("autoscaling/HorizontalPodAutoscaler", OtherPrinters.horizontalPodAutoscaler()),
            Map.entry("discovery.k8s.io/EndpointSlice", OtherPrinters.endpointSlice()),
            Map.entry("coordination.k8s.io/Lease", OtherPrinters.lease()),
            Map.entry("scheduling.k8s.io/PriorityClass", OtherPrinters.priorityClass()),
            Map.entry("node.k8s.io/RuntimeClass", OtherPrinters.runtimeClass()),
            Map.entry("networking.k8s.io/NetworkPolicy", OtherPrinters.networkPolicy()),
            Map.entry("networking.k8s.io/Ingress", OtherPrinters.ingress()),
            Map.entry("policy/PodDisruptionBudget", OtherPrinters.podDisruptionBudget()));

    /** NAME and AGE, what kubectl shows for kinds without a printer (like a CRD without printer columns). */
    private static final TableConvertor DEFAULT = new Convertor(
            List.of(ColumnDefinition.nameColumn(), ColumnDefinition.ageColumn()),
            (o, now) -> List.of(Cells.name(o), Cells.age(o, now)));

    private Tables() {
    }

    public static TableConvertor forType(ResourceType type) {
        return PRINTERS.getOrDefault(type.group() + "/" + type.kind(), DEFAULT);
    }

    /**
     * Builds a {@code meta.k8s.io/v1} Table.
     *
     * @param resourceVersion    list resource version ({@code kubectl get -w} watches from it); null omits it
     * @param continueToken      continue token for the next page; null or empty omits it
     * @param remainingItemCount items after this page, if known
     * @param includeObject      "Metadata" (default when null/empty: PartialObjectMetadata), "Object" (the full
     *                           object) or "None" (no object)
     * @throws ApiException 400 for any other includeObject value
     */
    public static ObjectNode table(ResourceType type, List<ObjectNode> objects, String resourceVersion,
                                   String continueToken, Long remainingItemCount, String includeObject, Instant now) {
        String include = includeObject == null || includeObject.isEmpty() ? "Metadata" : includeObject;
        if (!include.equals("Metadata") && !include.equals("Object") && !include.equals("None")) {
            throw ApiException.badRequest("unrecognized includeObject value: \"" + includeObject + "\"");
        }
        TableConvertor convertor = forType(type);
        ObjectNode table = Json.object();
        table.put("kind", "Table");
        table.put("apiVersion", "meta.k8s.io/v1");
        ObjectNode metadata = table.putObject("metadata");
        if (resourceVersion != null) {
            metadata.put("resourceVersion", resourceVersion);
        }
        if (continueToken != null && !continueToken.isEmpty()) {
            metadata.put("continue", continueToken);
        }
        if (remainingItemCount != null) {
            metadata.put("remainingItemCount", remainingItemCount);
        }
        ArrayNode columns = table.putArray("columnDefinitions");
        for (ColumnDefinition c : convertor.columns()) {
            ObjectNode column = columns.addObject();
            column.put("name", c.name());
            column.put("type", c.type());
            column.put("format", c.format());
            column.put("description", c.description());
            column.put("priority", c.priority());
        }
        ArrayNode rows = table.putArray("rows");
        for (ObjectNode object : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            for (Object cell : convertor.cells(object, now)) {
                cells.add(cellNode(cell));
            }
            List<ObjectNode> conditions = convertor.conditions(object);
            if (!conditions.isEmpty()) {
                row.putArray("conditions").addAll(conditions);
            }
            switch (include) {
                case "Object" -> row.set("object", object.deepCopy());
                case "Metadata" -> row.set("object", partialMetadata(object));
                default -> {
                }
            }
        }
        return table;
    }

    private static JsonNode cellNode(Object cell) {
        return switch (cell) {
            case null -> Json.MAPPER.nullNode();
            case String s -> Json.MAPPER.getNodeFactory().textNode(s);
            case Long l -> Json.MAPPER.getNodeFactory().numberNode(l);
            case Integer i -> Json.MAPPER.getNodeFactory().numberNode(i.longValue());
            case Boolean b -> Json.MAPPER.getNodeFactory().booleanNode(b);
            default -> Json.MAPPER.valueToTree(cell);
        };
    }

    private static ObjectNode partialMetadata(ObjectNode object) {
        ObjectNode partial = Json.object();
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", "meta.k8s.io/v1");
        JsonNode metadata = object.path("metadata");
        ObjectNode copy = metadata.isObject() ? metadata.deepCopy() : Json.object();
        // kubectl reads names, namespaces and labels from rows; managedFields would triple a table's size
        // and no printer shows them (they stay in the objects themselves, and with includeObject=Object).
        copy.remove("managedFields");
        partial.set("metadata", copy);
        return partial;
    }
}

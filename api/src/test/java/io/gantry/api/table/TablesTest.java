package io.gantry.api.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.ApiException;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.gantry.api.table.PrinterFixtures.NOW;
import static io.gantry.api.table.PrinterFixtures.object;
import static io.gantry.api.table.PrinterFixtures.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TablesTest {
    private static final ObjectNode CM = object("""
            {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cfg","namespace":"default","uid":"u-1",
             "resourceVersion":"42","labels":{"app":"web"},"creationTimestamp":"2024-05-01T11:55:00Z"},
             "data":{"a":"1"}}""");

    @Test
    void tableShapeWithPartialObjectMetadata() throws Exception {
        ObjectNode table = Tables.table(type("v1", "ConfigMap"), List.of(CM), "99", "next-token", 3L, null, NOW);
        JsonNode expected = Json.MAPPER.readTree("""
                {"kind":"Table","apiVersion":"meta.k8s.io/v1",
                 "metadata":{"resourceVersion":"99","continue":"next-token","remainingItemCount":3},
                 "columnDefinitions":[
                  {"name":"Name","type":"string","format":"name","description":"Name must be unique within a namespace. Cannot be updated.","priority":0},
                  {"name":"Data","type":"string","format":"","description":"Data contains the configuration data.","priority":0},
                  {"name":"Age","type":"string","format":"","description":"CreationTimestamp is a timestamp representing the server time when this object was created.","priority":0}],
                 "rows":[{"cells":["cfg",1,"5m"],
                  "object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",
                   "metadata":{"name":"cfg","namespace":"default","uid":"u-1","resourceVersion":"42",
                    "labels":{"app":"web"},"creationTimestamp":"2024-05-01T11:55:00Z"}}}]}""");
        // compared as text: the cells hold longs while the parsed expectation holds ints
        assertThat(Json.string(table)).isEqualTo(Json.string(expected));
        // the table is a copy: changing it leaves the stored object alone
        ((ObjectNode) table.path("rows").path(0).path("object").path("metadata")).put("name", "changed");
        assertThat(CM.path("metadata").path("name").asText()).isEqualTo("cfg");
    }

    @Test
    void includeObjectVariants() {
        ObjectNode full = Tables.table(type("v1", "ConfigMap"), List.of(CM), "1", null, null, "Object", NOW);
        assertThat(full.path("rows").path(0).path("object")).isEqualTo(CM);
        assertThat(full.path("metadata").has("continue")).isFalse();
        assertThat(full.path("metadata").has("remainingItemCount")).isFalse();

        ObjectNode none = Tables.table(type("v1", "ConfigMap"), List.of(CM), "1", "", null, "None", NOW);
        assertThat(none.path("rows").path(0).has("object")).isFalse();
        assertThat(none.path("rows").path(0).path("cells")).hasSize(3);

        ObjectNode metadata = Tables.table(type("v1", "ConfigMap"), List.of(CM), "1", null, null, "Metadata", NOW);
        assertThat(metadata.path("rows").path(0).path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");

        assertThatThrownBy(() -> Tables.table(type("v1", "ConfigMap"), List.of(CM), "1", null, null, "Everything", NOW))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessage("unrecognized includeObject value: \"Everything\"");
    }

    @Test
    void emptyListStillHasColumnsAndEmptyRows() {
        ObjectNode table = Tables.table(type("apps/v1", "Deployment"), List.of(), "7", null, null, null, NOW);
        assertThat(table.path("rows").isArray()).isTrue();
        assertThat(table.path("rows")).isEmpty();
        assertThat(table.path("columnDefinitions")).hasSize(8);
        assertThat(table.path("columnDefinitions").path(5).path("priority").asInt()).isEqualTo(1);
    }

    @Test
    void rowConditionsForFinishedPods() {
        ObjectNode pod = object("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"c\"}]},"
                + "\"status\":{\"phase\":\"Failed\"}}");
        ObjectNode table = Tables.table(type("v1", "Pod"), List.of(pod), "1", null, null, null, NOW);
        JsonNode row = table.path("rows").path(0);
        assertThat(row.path("conditions").path(0).path("reason").asText()).isEqualTo("Failed");
        assertThat(row.path("cells").path(3).isTextual()).isTrue();
    }

    @Test
    void unknownKindsGetNameAndAge() {
        ResourceType widget = new ResourceType("example.com", "v1", "Widget", "widgets", "widget", List.of(),
                List.of(), true, Set.of(), Set.of(), null);
        TableConvertor convertor = Tables.forType(widget);
        assertThat(convertor.columns()).extracting(ColumnDefinition::name).containsExactly("Name", "Age");
        assertThat(convertor.cells(object("{\"metadata\":{\"name\":\"w\",\"creationTimestamp\":\"2024-04-29T09:00:00Z\"}}"), NOW))
                .containsExactly("w", "2d3h");
    }

    @Test
    void everyBuiltInKindHasConsistentColumnsAndCells() {
        for (ResourceType t : ResourceRegistry.builtIn().all()) {
            TableConvertor convertor = Tables.forType(t);
            List<ColumnDefinition> columns = convertor.columns();
            assertThat(columns).as(t.kind()).isNotEmpty();
            assertThat(columns.stream().filter(c -> "name".equals(c.format())).count()).as(t.kind()).isEqualTo(1);
            if (!t.kind().equals("Event")) {
                assertThat(columns.get(0)).as(t.kind()).isEqualTo(ColumnDefinition.nameColumn());
            }
            for (ColumnDefinition c : columns) {
                assertThat(c.type()).as(t.kind() + " " + c.name()).isIn("string", "integer", "boolean", "date");
            }
            // an object with nothing but a name still prints, with one cell per column
            List<Object> cells = convertor.cells(object("{\"metadata\":{\"name\":\"x\"}}"), NOW);
            assertThat(cells).as(t.kind()).hasSize(columns.size());
            for (int i = 0; i < columns.size(); i++) {
                if (columns.get(i).type().equals("integer")) {
                    assertThat(cells.get(i)).as(t.kind() + " " + columns.get(i).name()).isInstanceOf(Long.class);
                }
            }
        }
    }

    @Test
    void distinctPrintersForCoreAndEventsApiEvents() {
        ResourceType core = type("v1", "Event");
        ResourceType v1 = type("events.k8s.io/v1", "Event");
        assertThat(Tables.forType(core)).isNotSameAs(Tables.forType(v1));
    }
}

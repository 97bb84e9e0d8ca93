package io.gantry.api.defaults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fresh objects after defaulting (and, for pods, the default tolerations' admission) compare equal to what a real
 * cluster returns for them (kubectl get -o yaml).
 */
class DefaulterGoldenTest {
    private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();

    @ParameterizedTest
    @CsvSource({"apps/v1,Deployment,deployment", "v1,Pod,pod"})
    void defaultedObjectMatchesGolden(String apiVersion, String kind, String file) throws IOException {
        ResourceType type = REGISTRY.byKind(apiVersion, kind).orElseThrow();
        ObjectNode object = read(file + "-in.yaml");
        JsonNode expected = read(file + "-out.yaml");

        apply(type, object);
        assertThat(object).isEqualTo(expected);

        apply(type, object);
        assertThat(object).as("idempotent").isEqualTo(expected);
    }

    private static void apply(ResourceType type, ObjectNode object) {
        Defaulter.apply(type, object);
        if (type.kind().equals("Pod")) {
            DefaultTolerationSeconds.DEFAULTS.admit(object);
        }
    }

    private static ObjectNode read(String name) throws IOException {
        try (InputStream in = DefaulterGoldenTest.class.getResourceAsStream("/defaults/" + name)) {
            assertThat(in).as(name).isNotNull();
            // Go through JSON so YAML scalars are typed exactly as the API server would type them.
            return (ObjectNode) Json.MAPPER.readTree(Json.MAPPER.writeValueAsBytes(Json.YAML.readTree(in)));
        }
    }
}

package io.gantry.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ApiExceptionInvalidTest {
    @Test
    void singleCauseNamesGroupQualifiedKind() {
        ApiException e = ApiException.invalid(TestObjects.type("apps/v1", "Deployment"), "x",
                List.of(new StatusCause("FieldValueRequired", "Required value", "spec.template.spec.containers[0].image")));
        assertThat(e.getMessage())
                .isEqualTo("Deployment.apps \"x\" is invalid: spec.template.spec.containers[0].image: Required value");
        assertThat(e.code()).isEqualTo(422);
        assertThat(e.toStatus().path("details").path("kind").asText()).isEqualTo("Deployment");
        assertThat(e.toStatus().path("details").path("group").asText()).isEqualTo("apps");
        assertThat(e.toStatus().path("details").path("causes").get(0).path("reason").asText()).isEqualTo("FieldValueRequired");
    }

    @Test
    void coreKindsHaveNoGroupAndSeveralCausesAreBracketedWithoutRepeats() {
        StatusCause a = new StatusCause("FieldValueRequired", "Required value", "spec.containers");
        StatusCause b = new StatusCause("FieldValueInvalid", "Invalid value: \"A\": bad", "metadata.name");
        ApiException e = ApiException.invalid(TestObjects.type("v1", "Pod"), "p", List.of(a, b, a));
        assertThat(e.getMessage()).isEqualTo(
                "Pod \"p\" is invalid: [spec.containers: Required value, metadata.name: Invalid value: \"A\": bad]");
        assertThat(e.causes()).hasSize(3);
    }
}

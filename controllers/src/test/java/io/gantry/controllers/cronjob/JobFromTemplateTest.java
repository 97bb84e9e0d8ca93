package io.gantry.controllers.cronjob;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

class JobFromTemplateTest {
    @Test
    void jobCarriesTemplateMetadataOwnerAndScheduledTime() {
        ObjectNode cj = Json.object().put("apiVersion", "batch/v1").put("kind", "CronJob");
        cj.putObject("metadata").put("name", "nightly").put("namespace", "ops").put("uid", "u-1");
        ObjectNode template = cj.putObject("spec").putObject("jobTemplate");
        ObjectNode meta = template.putObject("metadata");
        meta.putObject("labels").put("team", "ops");
        meta.putObject("annotations").put("note", "x");
        template.putObject("spec").put("backoffLimit", 2);

        Instant at = Instant.parse("2024-07-01T00:00:00Z");
        ObjectNode job = CronJobController.jobFor(cj, "nightly-28663200", at, ZoneId.of("Europe/Berlin"));

        assertThat(job.at("/metadata/name").asText()).isEqualTo("nightly-28663200");
        assertThat(job.at("/metadata/namespace").asText()).isEqualTo("ops");
        assertThat(job.at("/metadata/labels/team").asText()).isEqualTo("ops");
        assertThat(job.at("/metadata/annotations/note").asText()).isEqualTo("x");
        assertThat(job.at("/metadata/annotations").path(CronJobController.SCHEDULED_TIMESTAMP).asText())
                .isEqualTo("2024-07-01T02:00:00+02:00");
        assertThat(job.at("/metadata/ownerReferences/0/kind").asText()).isEqualTo("CronJob");
        assertThat(job.at("/metadata/ownerReferences/0/uid").asText()).isEqualTo("u-1");
        assertThat(job.at("/metadata/ownerReferences/0/controller").asBoolean()).isTrue();
        assertThat(job.at("/spec/backoffLimit").asInt()).isEqualTo(2);
        assertThat(ScheduleMath.nameSuffix(at)).isEqualTo(28_663_200L);
    }
}

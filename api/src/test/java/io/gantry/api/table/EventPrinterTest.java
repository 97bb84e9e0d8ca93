package io.gantry.api.table;

import org.junit.jupiter.api.Test;

import static io.gantry.api.table.PrinterFixtures.cells;
import static io.gantry.api.table.PrinterFixtures.headers;
import static io.gantry.api.table.PrinterFixtures.wideHeaders;
import static org.assertj.core.api.Assertions.assertThat;

class EventPrinterTest {

    @Test
    void columnsFollowKubernetes() {
        assertThat(headers("v1", "Event")).containsExactly("Last Seen", "Type", "Reason", "Object", "Subobject",
                "Source", "Message", "First Seen", "Count", "Name");
        assertThat(wideHeaders("v1", "Event")).containsExactly("Subobject", "Source", "First Seen", "Count", "Name");
        assertThat(headers("events.k8s.io/v1", "Event")).isEqualTo(headers("v1", "Event"));
    }

    @Test
    void coreEvent() {
        assertThat(cells("v1", "Event", """
                {"metadata":{"name":"web.17a"},"involvedObject":{"kind":"Pod","name":"web","fieldPath":"spec.containers{app}"},
                 "reason":"Pulled","type":"Normal","message":"  Successfully pulled image \\"nginx\\"\\n",
                 "source":{"component":"kubelet","host":"node-a"},
                 "firstTimestamp":"2024-05-01T11:50:00Z","lastTimestamp":"2024-05-01T11:58:00Z","count":4}"""))
                .containsExactly("2m", "Normal", "Pulled", "pod/web", "spec.containers{app}", "kubelet, node-a",
                        "Successfully pulled image \"nginx\"", "10m", 4L, "web.17a");
    }

    @Test
    void coreEventFallsBackToEventTimeAndReportingController() {
        assertThat(cells("v1", "Event", """
                {"metadata":{"name":"e"},"involvedObject":{"kind":"Node"},"reason":"Starting","type":"Normal",
                 "eventTime":"2024-05-01T11:59:29.500000Z","reportingComponent":"x","reportingController":"gantry-scheduler"}"""))
                .containsExactly("30s", "Normal", "Starting", "node", "", "gantry-scheduler", "", "30s", 1L, "e");
    }

    @Test
    void eventsV1MapsRegardingNoteAndSeries() {
        assertThat(cells("events.k8s.io/v1", "Event", """
                {"metadata":{"name":"e2"},"regarding":{"kind":"Deployment","name":"web"},"reason":"ScalingReplicaSet",
                 "type":"Normal","note":"Scaled up","eventTime":"2024-05-01T11:00:00.000000Z",
                 "reportingController":"deployment-controller","reportingInstance":"cm-1",
                 "series":{"count":7,"lastObservedTime":"2024-05-01T11:59:00.000000Z"}}"""))
                .containsExactly("60s", "Normal", "ScalingReplicaSet", "deployment/web", "",
                        "deployment-controller, cm-1", "Scaled up", "60m", 7L, "e2");
    }
}

package io.gantry.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WatchEventReaderTest {
    private static final String POD = """
            {"kind":"Pod","apiVersion":"v1","metadata":{"name":"p","resourceVersion":"7","managedFields":[{"manager":\
            "m","fieldsV1":{"f:spec":{"f:nodeName":{}}}}],"labels":{"app":"ü"}},"spec":{"nodeName":"n1"},\
            "status":{"conditions":[{"type":"Ready","lastProbeTime":null}]}}""";
    private static final String STREAM = "{\"type\":\"ADDED\",\"object\":" + POD + "}\n\n"
            + "{\"object\":{\"kind\":\"Pod\",\"metadata\":{\"resourceVersion\":\"8\"}},\"type\":\"BOOKMARK\"}\n"
            + "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410}}\n";

    /** Hands out one byte per read, as a slow network would. */
    private static InputStream trickle(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return new InputStream() {
            int next;

            @Override
            public int read() {
                return next < bytes.length ? bytes[next++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (next >= bytes.length) {
                    return -1;
                }
                b[off] = bytes[next++];
                return 1;
            }
        };
    }

    @Test
    void readsEveryEventWithItsObjectWhole() throws IOException {
        try (WatchEventReader reader = new WatchEventReader(trickle(STREAM), Projection.ALL)) {
            WatchEventReader.Event added = reader.next();
            assertThat(added.type()).isEqualTo("ADDED");
            assertThat(added.object()).isEqualTo(Json.MAPPER.readTree(POD));
            WatchEventReader.Event bookmark = reader.next();
            assertThat(bookmark.type()).isEqualTo("BOOKMARK");
            assertThat(bookmark.object().at("/metadata/resourceVersion").asText()).isEqualTo("8");
            assertThat(reader.next().object().path("code").asInt()).isEqualTo(410);
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void withoutManagedFieldsTheRestOfTheObjectIsAsSent() throws IOException {
        try (WatchEventReader reader = new WatchEventReader(
                new ByteArrayInputStream(STREAM.getBytes(StandardCharsets.UTF_8)),
                Projection.ALL.without("metadata.managedFields"))) {
            var expected = (ObjectNode) Json.MAPPER.readTree(POD);
            expected.withObject("/metadata").remove("managedFields");
            var object = reader.next().object();
            assertThat(object).isEqualTo(expected);
            assertThat(object.at("/status/conditions/0/lastProbeTime").isNull()).isTrue();
            assertThat(object.at("/metadata/labels/app").asText()).isEqualTo("ü");
            assertThat(reader.next().type()).isEqualTo("BOOKMARK");
        }
    }

    @Test
    void somethingOtherThanAnObjectIsAnError() throws IOException {
        try (WatchEventReader reader = new WatchEventReader(
                new ByteArrayInputStream("[1]".getBytes(StandardCharsets.UTF_8)), Projection.ALL)) {
            assertThatThrownBy(reader::next).isInstanceOf(IOException.class).hasMessageContaining("JSON object");
        }
    }

    @Test
    void aProjectionBuildsOnlyWhatItKeepsAndAnErrorWhole() throws IOException {
        Projection kept = Projection.only("metadata.name", "spec.nodeName", "status.conditions.type");
        try (WatchEventReader reader = new WatchEventReader(trickle(STREAM), kept)) {
            assertThat(reader.next().object()).isEqualTo(Json.MAPPER.readTree("""
                    {"metadata":{"name":"p"},"spec":{"nodeName":"n1"},"status":{"conditions":[{"type":"Ready"}]}}"""));
            assertThat(reader.next().object()).isEqualTo(Json.MAPPER.readTree("{\"metadata\":{}}"));
            // a Status says why the watch ended: none of it is dropped
            assertThat(reader.next().object()).isEqualTo(Json.MAPPER.readTree("{\"kind\":\"Status\",\"code\":410}"));
        }
    }

    @Test
    void anObjectBeforeItsTypeIsNarrowedOnceTheTypeIsKnown() throws IOException {
        String stream = "{\"object\":" + POD + ",\"type\":\"MODIFIED\"}\n"
                + "{\"object\":{\"kind\":\"Status\",\"code\":500,\"message\":\"boom\"},\"type\":\"ERROR\"}";
        try (WatchEventReader reader = new WatchEventReader(trickle(stream), Projection.only("spec"))) {
            WatchEventReader.Event modified = reader.next();
            assertThat(modified.type()).isEqualTo("MODIFIED");
            assertThat(modified.object()).isEqualTo(Json.MAPPER.readTree("{\"spec\":{\"nodeName\":\"n1\"}}"));
            assertThat(reader.next().object().path("message").asText()).isEqualTo("boom");
        }
    }
}

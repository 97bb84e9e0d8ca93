package io.gantry.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

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
        return pieces(s.getBytes(StandardCharsets.UTF_8), 1);
    }

    /** Hands out at most {@code size} bytes per read. */
    private static InputStream pieces(byte[] bytes, int size) {
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
                int n = Math.min(Math.min(len, size), bytes.length - next);
                System.arraycopy(bytes, next, b, off, n);
                next += n;
                return n;
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

    @Test
    void namesThatRecurAreOneStringAndEveryNameReadsAsSent() throws IOException {
        // the top level is walked (one member is dropped), so its names go through the reader's name cache: many
        // distinct ones, so that some share a slot, and some not ASCII
        StringBuilder stream = new StringBuilder();
        for (int n = 0; n < 1800; n++) {
            stream.append("{\"type\":\"ADDED\",\"object\":").append(object(n)).append("}\n");
        }
        try (WatchEventReader reader = new WatchEventReader(trickle(stream.toString()),
                Projection.ALL.without("dropped"))) {
            for (int n = 0; n < 1800; n++) {
                assertThat(reader.next().object())
                        .isEqualTo(Json.MAPPER.readTree(object(n).replace(",\"dropped\":1", "")));
            }
            assertThat(reader.next()).isNull();
        }
        String twice = ("{\"type\":\"ADDED\",\"object\":" + object(1) + "}\n").repeat(2);
        try (WatchEventReader reader = new WatchEventReader(trickle(twice), Projection.ALL.without("dropped"))) {
            String first = reader.next().object().properties().iterator().next().getKey();
            assertThat(reader.next().object().properties().iterator().next().getKey()).isEqualTo("apiVersion")
                    .isSameAs(first);
        }
    }

    @Test
    void aLargeWalkedObjectKeepsEveryFieldInOrder() throws IOException {
        StringBuilder object = new StringBuilder("{\"dropped\":0");
        for (int i = 0; i < 100; i++) {
            object.append(",\"f").append(i).append("\":").append(i);
        }
        object.append("}");
        String stream = "{\"type\":\"ADDED\",\"object\":" + object + "}\n";
        try (WatchEventReader reader = new WatchEventReader(trickle(stream), Projection.ALL.without("dropped"))) {
            ObjectNode read = reader.next().object();
            assertThat(read).isEqualTo(Json.MAPPER.readTree(object.toString().replace("\"dropped\":0,", "")));
            assertThat(read.properties().iterator().next().getKey()).isEqualTo("f0");
            assertThat(read.get("f99").asInt()).isEqualTo(99);
        }
    }

    private static String object(int n) {
        return "{\"apiVersion\":\"v1\",\"k" + n % 600 + "\":\"v\",\"ké" + n % 7 + "\":\"w\",\"Ã©\":\"x\","
                + "\"dropped\":1}";
    }

    @Test
    void keptValuesAreReadExactlyAsAJsonParserReadsThem() throws IOException {
        String object = """
                { "metadata" : { "name" : "a\\"b\\n\\u00e9ü", "f\\u006fo" : [1.5, -3, 1e2, false, true, null],
                  "uid": "x", "skipped": {"deep": [[{"s": "]}\\\\"}]]} },
                  "spec" : { "containers" : [ {"name": "c", "image": "i"}, {"name": null}, "odd", 7 ] } }""";
        Projection kept = Projection.only("metadata.name", "metadata.foo", "spec.containers.name");
        String stream = "{\"type\" : \"ADDED\" ,\n \"object\" : " + object + " }\n";
        try (WatchEventReader reader = new WatchEventReader(trickle(stream), kept)) {
            assertThat(reader.next().object()).isEqualTo(kept.apply(Json.MAPPER.readTree(object)));
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void anEventLargerThanTheBufferIsReadWhole() throws IOException {
        String big = "x".repeat(300_000);
        String stream = "{\"type\":\"ADDED\",\"object\":{\"data\":{\"a\":\"" + big + "\"},\"b\":1}}"
                + "{\"type\":\"DELETED\",\"object\":{\"b\":2}}";
        try (WatchEventReader reader = new WatchEventReader(
                new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), Projection.ALL)) {
            assertThat(reader.next().object().at("/data/a").asText()).hasSize(300_000);
            assertThat(reader.next().object().path("b").asInt()).isEqualTo(2);
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void aMalformedOrCutOffEventIsAnError() throws IOException {
        try (WatchEventReader reader = new WatchEventReader(trickle("{\"type\":\"ADDED\" \"object\":{}}"),
                Projection.ALL)) {
            assertThatThrownBy(reader::next).isInstanceOf(IOException.class).hasMessageContaining("malformed");
        }
        try (WatchEventReader reader = new WatchEventReader(trickle("{\"type\":\"ADDED\",\"object\":{\"a\":tru}}"),
                Projection.ALL)) {
            assertThatThrownBy(reader::next).isInstanceOf(IOException.class);
        }
        try (WatchEventReader reader = new WatchEventReader(trickle("{\"type\":\"ADDED\",\"object\":{\"a\":[1"),
                Projection.ALL)) {
            assertThatThrownBy(reader::next).isInstanceOf(java.io.EOFException.class);
        }
    }

    @Test
    void aLongEventReadInSmallPiecesIsParsedAFewTimesNotOncePerPiece() throws IOException {
        String big = "{\"type\":\"ADDED\",\"object\":{\"data\":{" + "\"k\":\"v\",".repeat(200_000)
                + "\"end\":[1,{\"x\":\"}]\\\"\"}]}}}\n";
        String stream = big + big;
        try (WatchEventReader reader = new WatchEventReader(pieces(stream.getBytes(StandardCharsets.UTF_8), 1000),
                Projection.only("data.end"))) {
            for (int i = 0; i < 2; i++) {
                assertThat(reader.next().object().at("/data/end/1/x").asText()).isEqualTo("}]\"");
            }
            assertThat(reader.next()).isNull();
            assertThat(reader.parses()).isLessThanOrEqualTo(8);
        }
    }

    @Test
    void aValueWithoutAnEndOrBracketsThatDoNotMatchAreMalformedNotWaitedFor() throws IOException {
        String rest = "{\"type\":\"ADDED\",\"object\":{\"a\":1}}\n".repeat(100);
        for (String bad : List.of("{\"type\":\"ADDED\",\"object\":{\"a\":}}", "{\"type\":,\"object\":{}}",
                "{\"type\":\"ADDED\",\"object\":{\"a\":[1}}")) {
            for (Projection kept : List.of(Projection.ALL, Projection.only("a"))) {
                try (WatchEventReader reader = new WatchEventReader(trickle(bad + "\n" + rest), kept)) {
                    assertThatThrownBy(reader::next).as(bad).isInstanceOf(IOException.class)
                            .isNotInstanceOf(java.io.EOFException.class);
                }
            }
        }
    }

    @Test
    void randomDocumentsAreNarrowedAsProjectionApplyNarrowsThem() throws IOException {
        java.util.Random random = new java.util.Random(42);
        String[] names = {"a", "b", "c", "metadata", "name", "k:{\"x\":1}"};
        for (int round = 0; round < 300; round++) {
            ObjectNode object = Json.object();
            fill(object, random, names, 4);
            String[] paths = new String[1 + random.nextInt(3)];
            for (int i = 0; i < paths.length; i++) {
                StringBuilder path = new StringBuilder(names[random.nextInt(3)]);
                for (int d = random.nextInt(3); d > 0; d--) {
                    path.append('.').append(names[random.nextInt(3)]);
                }
                paths[i] = path.toString();
            }
            Projection kept = random.nextBoolean() ? Projection.only(paths) : Projection.ALL.without(paths[0]);
            String stream = "{\"type\":\"MODIFIED\",\"object\":" + object + "}\n";
            try (WatchEventReader reader = new WatchEventReader(trickle(stream), kept)) {
                assertThat(reader.next().object()).as("%s of %s", kept, object).isEqualTo(kept.apply(object));
            }
        }
    }

    private static void fill(ObjectNode object, java.util.Random random, String[] names, int depth) {
        for (int i = random.nextInt(4); i >= 0; i--) {
            String name = names[random.nextInt(names.length)];
            switch (depth == 0 ? random.nextInt(3) : random.nextInt(6)) {
                case 0 -> object.put(name, "v\"" + random.nextInt(100) + "ü");
                case 1 -> object.put(name, random.nextInt(1000) - 500);
                case 2 -> object.putNull(name);
                case 3 -> fill(object.putObject(name), random, names, depth - 1);
                default -> {
                    var array = object.putArray(name);
                    for (int j = random.nextInt(3); j >= 0; j--) {
                        if (random.nextBoolean()) {
                            fill(array.addObject(), random, names, depth - 1);
                        } else {
                            array.add(random.nextBoolean());
                        }
                    }
                }
            }
        }
    }
}

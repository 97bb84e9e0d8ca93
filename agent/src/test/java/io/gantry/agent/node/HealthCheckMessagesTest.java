package io.gantry.agent.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gantry.agent.node.HealthCheckMessages.ServingStatus;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HealthCheckMessagesTest {
    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    @Test
    void requestIsTheServiceAsFieldOneInAGrpcFrame() {
        // 00 = not compressed, 00000008 = length, 0a = field 1 length-delimited, 06 = length, "health"
        assertThat(HexFormat.of().formatHex(bytes(HealthCheckMessages.request("health"))))
                .isEqualTo("00000000080a06" + HexFormat.of().formatHex("health".getBytes()));
    }

    @Test
    void emptyServiceIsAnEmptyMessage() {
        assertThat(bytes(HealthCheckMessages.request(""))).containsExactly(0, 0, 0, 0, 0);
    }

    @Test
    void longServiceNameHasAMultiByteLength() throws Exception {
        String name = "s".repeat(300);
        byte[] message = HealthCheckMessages.unframe(HealthCheckMessages.request(name));
        assertThat(message).startsWith(0x0a, 0xac, 0x02); // 300 = 0b10_0101100 as a varint
        assertThat(HealthCheckMessages.parseRequest(message)).isEqualTo(name);
    }

    @Test
    void responsesRoundTrip() throws Exception {
        for (ServingStatus status : new ServingStatus[] {ServingStatus.UNKNOWN, ServingStatus.SERVING,
            ServingStatus.NOT_SERVING, ServingStatus.SERVICE_UNKNOWN, new ServingStatus(-1), new ServingStatus(99)}) {
            byte[] message = HealthCheckMessages.unframe(HealthCheckMessages.response(status));
            assertThat(HealthCheckMessages.parseResponse(message)).isEqualTo(status);
        }
        assertThat(bytes(HealthCheckMessages.response(ServingStatus.SERVING))).containsExactly(0, 0, 0, 0, 2, 8, 1);
    }

    @Test
    void statusNamesAreTheEnumsOrTheNumber() {
        assertThat(ServingStatus.NOT_SERVING.name()).isEqualTo("NOT_SERVING");
        assertThat(ServingStatus.SERVICE_UNKNOWN.name()).isEqualTo("SERVICE_UNKNOWN");
        assertThat(new ServingStatus(7).name()).isEqualTo("7");
    }

    @Test
    void missingStatusIsUnknownAndUnknownFieldsAreSkipped() throws Exception {
        assertThat(HealthCheckMessages.parseResponse(new byte[0])).isEqualTo(ServingStatus.UNKNOWN);
        // field 2 varint 5, field 3 "ab", field 4 fixed64, field 5 fixed32, then status 2
        byte[] message = hex("1005" + "1a026162" + "210102030405060708" + "2d01020304" + "0802");
        assertThat(HealthCheckMessages.parseResponse(message)).isEqualTo(ServingStatus.NOT_SERVING);
    }

    @Test
    void unframeWaitsForTheWholeFrame() throws Exception {
        assertThat(HealthCheckMessages.unframe(ByteBuffer.wrap(hex("000000")))).isNull();
        assertThat(HealthCheckMessages.unframe(ByteBuffer.wrap(hex("000000000208")))).isNull();
        assertThat(HealthCheckMessages.unframe(ByteBuffer.wrap(hex("000000000208010000")))).containsExactly(8, 1);
    }

    @Test
    void malformedInputIsRejected() {
        assertThatThrownBy(() -> HealthCheckMessages.unframe(ByteBuffer.wrap(hex("010000000208"))))
                .isInstanceOf(HealthCheckMessages.MalformedMessage.class).hasMessageContaining("compressed");
        assertThatThrownBy(() -> HealthCheckMessages.parseResponse(hex("08")))
                .isInstanceOf(HealthCheckMessages.MalformedMessage.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> HealthCheckMessages.parseResponse(hex("1a05ab")))
                .isInstanceOf(HealthCheckMessages.MalformedMessage.class).hasMessageContaining("bytes");
        assertThatThrownBy(() -> HealthCheckMessages.parseResponse(hex("0b")))
                .isInstanceOf(HealthCheckMessages.MalformedMessage.class).hasMessageContaining("wire type 3");
    }
}

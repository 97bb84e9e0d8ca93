package io.gantry.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.gantry.agent.node.HealthCheckMessages.ServingStatus;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The grpc probe against a real gRPC health server (h2c) in this JVM on 127.0.0.1. */
class GrpcHealthProbeTest {
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);
    private static GrpcHealthServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new GrpcHealthServer().set("", ServingStatus.SERVING).set("ok", ServingStatus.SERVING)
                .set("down", ServingStatus.NOT_SERVING).set("unset", ServingStatus.UNKNOWN)
                .set("slow", ServingStatus.SERVING).delay("slow", 3000);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static Prober.Result check(String service) throws InterruptedException {
        return GrpcHealthProbe.check("127.0.0.1", server.port(), service, ONE_SECOND);
    }

    @Test
    void servingPassesAndTheRequestIsAGrpcCall() throws Exception {
        assertThat(check("ok")).isEqualTo(Prober.Result.ok());
        assertThat(check("")).isEqualTo(Prober.Result.ok());
        assertThat(server.seen()).contains(new GrpcHealthServer.Seen("/grpc.health.v1.Health/Check",
                "application/grpc", "trailers", "kube-probe/1.32", "ok"));
    }

    @Test
    void notServingFailsWithTheStatus() throws Exception {
        assertThat(check("down")).isEqualTo(Prober.Result.failed("service unhealthy (responded with \"NOT_SERVING\")"));
        assertThat(check("unset")).isEqualTo(Prober.Result.failed("service unhealthy (responded with \"UNKNOWN\")"));
    }

    @Test
    void unknownServiceFailsWithTheGrpcStatus() throws Exception {
        assertThat(check("nope")).isEqualTo(Prober.Result.failed(
                "error: health rpc probe failed: rpc error: code = NotFound desc = unknown service"));
    }

    @Test
    void aSlowAnswerTimesOut() throws Exception {
        long started = System.nanoTime();
        assertThat(check("slow")).isEqualTo(Prober.Result.failed("timeout: health rpc did not complete within 1s"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(ONE_SECOND, Duration.ofMillis(2500));
    }

    @Test
    void aPortThatNeverSpeaksHttp2IsAConnectTimeout() throws Exception {
        // the kernel completes the TCP handshake from the backlog; nothing ever reads or writes
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            long started = System.nanoTime();
            Prober.Result result = GrpcHealthProbe.check("127.0.0.1", silent.getLocalPort(), "", ONE_SECOND);
            assertThat(result).isEqualTo(Prober.Result.failed("timeout: failed to connect service \"127.0.0.1:"
                    + silent.getLocalPort() + "\" within 1s: context deadline exceeded"));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(ONE_SECOND, Duration.ofMillis(2500));
        }
    }

    @Test
    void aRefusedConnectionFailsAtOnce() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = closed.getLocalPort();
        }
        long started = System.nanoTime();
        assertThat(GrpcHealthProbe.check("127.0.0.1", port, "", Duration.ofSeconds(5))).isEqualTo(Prober.Result.failed(
                "timeout: failed to connect service \"127.0.0.1:" + port + "\" within 5s: context deadline exceeded"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void theProberRunsGrpcProbesOnThePodsAddress() throws Exception {
        var probe = io.gantry.api.Json.MAPPER.readTree("{\"grpc\":{\"port\":" + server.port() + ",\"service\":\"down\"}}");
        assertThat(Prober.run(probe, io.gantry.api.Json.object(), "127.0.0.1", null, null, ONE_SECOND))
                .isEqualTo(Prober.Result.failed("service unhealthy (responded with \"NOT_SERVING\")"));
        var whole = io.gantry.api.Json.MAPPER.readTree("{\"grpc\":{\"port\":" + server.port() + "}}");
        assertThat(Prober.run(whole, io.gantry.api.Json.object(), "127.0.0.1", null, null, ONE_SECOND))
                .isEqualTo(Prober.Result.ok());
    }

    @Test
    void goDurationsAndPercentDecoding() {
        assertThat(GrpcHealthProbe.go(Duration.ofSeconds(1))).isEqualTo("1s");
        assertThat(GrpcHealthProbe.go(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(GrpcHealthProbe.go(Duration.ofSeconds(3600))).isEqualTo("1h0m0s");
        assertThat(GrpcHealthProbe.percentDecoded("caf%C3%A9 %zz 100%")).isEqualTo("café %zz 100%");
    }
}

package io.gantry.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract against a real etcd started once for the class (starting one per test would dominate the
 * run time); tests stay independent through their own key prefixes.
 */
class EtcdStoreTest extends StoreContractTest {
    private static EtcdProcess etcd;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdProcess.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    protected Store openStore() {
        return EtcdStore.connect(List.of(etcd.endpoint()));
    }

    @Test
    void unreachableEtcdIsReportedAsUnavailable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port;
        assertThatThrownBy(() -> EtcdStore.connect(List.of(endpoint), Duration.ofSeconds(1)))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("etcd unreachable at " + endpoint);
    }
}

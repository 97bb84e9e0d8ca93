package io.gantry.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Nodes that exist only as API objects, Ready and never heartbeating, as Kubernetes' scheduler_perf makes them:
 * with them the scheduler and the controllers run alone, with no node agent reporting pods or renewing Leases.
 * The control plane must not declare them unreachable meanwhile (a long {@code --node-monitor-grace-period}).
 */
final class RegisteredNodes {
    private static final int CLIENTS = 16;

    private RegisteredNodes() {
    }

    /** Creates nodes {@code prefix-0} to {@code prefix-(count-1)}; one that exists already is left as it is. */
    static void register(ApiClient api, String prefix, int count, String cpu, String memory) throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<String> failure = new AtomicReference<>("");
        String now = Instant.now().toString();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(Thread.ofVirtual().name("node-registrar-" + c).start(() -> {
                try (KeepAliveConnection connection = api.connection()) {
                    for (int n = next.getAndIncrement(); n < count && failure.get().isEmpty();
                         n = next.getAndIncrement()) {
                        byte[] node = node(prefix + "-" + n, n, cpu, memory, now).getBytes(StandardCharsets.UTF_8);
                        KeepAliveConnection.Response r = connection.post("/api/v1/nodes", node, 201);
                        if (r.status() != 201 && r.status() != 409) {
                            failure.compareAndSet("", "creating a node answered " + r.status() + " " + r.text());
                        }
                    }
                } catch (IOException e) {
                    failure.compareAndSet("", "creating nodes failed: " + e);
                }
            }));
        }
        for (Thread t : clients) {
            t.join();
        }
        if (!failure.get().isEmpty()) {
            throw new IllegalStateException(failure.get());
        }
    }

    /** A node as a registering kubelet posts it, status included (a node's create keeps its status). */
    static String node(String name, int index, String cpu, String memory, String now) {
        String ip = "10.200." + (index >> 8 & 255) + "." + (index & 255);
        String resources = "{\"cpu\":\"" + cpu + "\",\"memory\":\"" + memory + "\",\"pods\":\"110\","
                + "\"ephemeral-storage\":\"100Gi\"}";
        return "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{"
                + "\"kubernetes.io/hostname\":\"" + name + "\",\"kubernetes.io/os\":\"linux\","
                + "\"kubernetes.io/arch\":\"amd64\",\"gantry.io/bench-node\":\"true\"}},\"spec\":{},"
                + "\"status\":{\"capacity\":" + resources + ",\"allocatable\":" + resources + ","
                + "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\","
                + "\"message\":\"registered by the scheduling benchmark\",\"lastHeartbeatTime\":\"" + now + "\","
                + "\"lastTransitionTime\":\"" + now + "\"}],"
                + "\"addresses\":[{\"type\":\"InternalIP\",\"address\":\"" + ip + "\"},"
                + "{\"type\":\"Hostname\",\"address\":\"" + name + "\"}]}}";
    }
}

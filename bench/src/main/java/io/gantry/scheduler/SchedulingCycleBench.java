package io.gantry.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceRegistry;
import io.gantry.api.ResourceType;
import io.gantry.api.defaults.DefaultTolerationSeconds;
import io.gantry.api.defaults.Defaulter;
import io.gantry.bench.Args;
import io.gantry.scheduler.framework.PodInfo;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The scheduler's decisions alone, in process: the same plugins, cache and owner lookup as {@link Scheduler}, on
 * N nodes shaped like the simulated ones (8 CPUs, 32 GiB, 110 pods), for pods of Deployments of R replicas shaped
 * like the scheduling benchmark's (100m CPU and 500Mi, defaulted as the API server stores them). No API server,
 * no informer, no binding: each decision is followed by what the scheduling thread does next (the pod is assumed
 * on its node) and by the informer's confirmation of the binding. The scheduling benchmark's end-to-end rounds
 * move by a fifth with the machine's speed; this thread's CPU time per decision moves by a few percent, so it
 * compares scheduler code.
 * <p>
 * It lives in the scheduler's package to reach the algorithm and the cache, which are not public.
 */
public final class SchedulingCycleBench {
    private static final String NAMESPACE = "bench";
    private static final ResourceType PODS = ResourceRegistry.builtIn().byKind("v1", "Pod").orElseThrow();

    private final int replicas;
    private final SchedulingAlgorithm algorithm;
    private final SchedulerCache cache;
    private final Map<String, ObjectNode> replicaSets = new HashMap<>();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private int created;

    private SchedulingCycleBench(int nodes, int replicas, long seed) {
        this.replicas = replicas;
        this.algorithm = new SchedulingAlgorithm(SchedulerConfig.defaults().withRandomSeed(seed));
        OwnerSelectors owners = new OwnerSelectors(ns -> List.of(),
                (ns, name) -> Optional.ofNullable(replicaSets.get(name)), (ns, name) -> Optional.empty());
        this.cache = new SchedulerCache(ns -> Map.of(), owners::of);
        for (int i = 0; i < nodes; i++) {
            cache.upsertNode(node("node-" + i));
        }
    }

    public static void main(String[] argv) {
        try {
            run(Args.parse(argv, "nodes", "warmup", "pods", "rounds", "replicas"));
        } catch (IllegalArgumentException e) {
            System.err.println("SchedulingCycleBench: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void run(Args args) {
        int nodes = args.integer("nodes", 5000);
        int warmup = args.integer("warmup", 10000);
        int pods = args.integer("pods", 30000);
        int rounds = args.integer("rounds", 3);
        int replicas = args.integer("replicas", 100);
        if (nodes < 1 || warmup < 0 || pods < 1 || rounds < 1 || replicas < 1) {
            throw new IllegalArgumentException("nodes, pods, rounds and replicas must be positive, warmup not negative");
        }
        for (int round = 1; round <= rounds; round++) {
            // a fresh cluster per round: each one places the same pods on empty nodes
            SchedulingCycleBench bench = new SchedulingCycleBench(nodes, replicas, round);
            bench.place(bench.pods(warmup));
            List<ObjectNode> measured = bench.pods(pods);
            long[] cpu = new long[1];
            long wall0 = System.nanoTime();
            int placed = bench.place(measured, cpu);
            double wallMicros = (System.nanoTime() - wall0) / 1e3 / pods;
            double cpuMicros = cpu[0] / 1e3 / pods;
            System.out.printf(Locale.ROOT, "RESULT bench=scheduling-cycle round=%d nodes=%d warmup_pods=%d pods=%d "
                            + "replicas=%d placed=%d cpu_us_per_decision=%.1f wall_us_per_pod=%.1f%n",
                    round, nodes, warmup, pods, replicas, placed, cpuMicros, wallMicros);
            System.out.printf(Locale.ROOT, "scheduling cycle, round %d: %d nodes, %d pods after %d: %.1f us of the "
                    + "thread's CPU per decision (%.1f us wall per pod with the informer's part), %d placed%n",
                    round, nodes, pods, warmup, cpuMicros, wallMicros, placed);
        }
    }

    private List<ObjectNode> pods(int count) {
        List<ObjectNode> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(nextPod());
        }
        return out;
    }

    private int place(List<ObjectNode> pods) {
        return place(pods, new long[1]);
    }

    /**
     * Decides for the pods one after another. What the scheduling thread does (the decision, then assuming the pod
     * on its node) is timed and added to {@code cpuNanos}; the informer's share (the pod read from its event, the
     * bound pod confirmed in the cache) is not. Returns how many pods fit.
     */
    private int place(List<ObjectNode> pods, long[] cpuNanos) {
        int placed = 0;
        for (ObjectNode json : pods) {
            PodInfo pod = new PodInfo(json, 0);
            long start = threads.getCurrentThreadCpuTime();
            SchedulingAlgorithm.Result result = cache.locked(() -> algorithm.schedule(pod, cache.view));
            PodInfo assumed = result instanceof SchedulingAlgorithm.Placed p ? pod.assignedTo(p.nodeName()) : null;
            if (assumed != null) {
                cache.assume(assumed);
            }
            cpuNanos[0] += threads.getCurrentThreadCpuTime() - start;
            if (assumed != null) {
                ObjectNode bound = json.deepCopy();
                bound.with("spec").put("nodeName", assumed.nodeName());
                cache.addOrUpdatePod(new PodInfo(bound, 0));
                placed++;
            }
        }
        return placed;
    }

    /** The next pod of the current ReplicaSet, which is made when the previous one has all its replicas. */
    private ObjectNode nextPod() {
        int set = created / replicas;
        // each Deployment's template, and so its pod-template-hash, is its own
        String hash = Long.toHexString(0x5d8f9c7b6L + set);
        String rsName = "d-" + set + "-" + hash;
        replicaSets.computeIfAbsent(rsName, name -> replicaSet(name, set, hash));
        ObjectNode pod = parse("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s-%d","namespace":"%s",\
                "uid":"00000000-0000-0000-0000-%012d","labels":{"app":"d-%d","pod-template-hash":"%s"},\
                "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"%s",\
                "uid":"rs-%d","controller":true,"blockOwnerDeletion":true}]},\
                "spec":{"containers":[{"name":"pause","image":"registry.k8s.io/pause:3.10",\
                "resources":{"requests":{"cpu":"100m","memory":"500Mi"},"limits":{"cpu":"100m","memory":"500Mi"}}}]}}
                """.formatted(rsName, created, NAMESPACE, created, set, hash, rsName, set));
        Defaulter.apply(PODS, pod);
        DefaultTolerationSeconds.DEFAULTS.admit(pod);
        created++;
        return pod;
    }

    private static ObjectNode replicaSet(String name, int set, String hash) {
        return parse("""
                {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"%s","namespace":"%s","uid":"rs-%d"},\
                "spec":{"selector":{"matchLabels":{"app":"d-%d","pod-template-hash":"%s"}}}}
                """.formatted(name, NAMESPACE, set, set, hash));
    }

    private static ObjectNode node(String name) {
        return parse("""
                {"apiVersion":"v1","kind":"Node","metadata":{"name":"%s","labels":{"kubernetes.io/hostname":"%s",\
                "kubernetes.io/os":"linux","kubernetes.io/arch":"amd64","gantry.io/simulated":"true"}},\
                "spec":{},"status":{"capacity":{"cpu":"8","memory":"32Gi","pods":"110"},\
                "allocatable":{"cpu":"8","memory":"32Gi","pods":"110"},\
                "conditions":[{"type":"Ready","status":"True","reason":"KubeletReady"}]}}
                """.formatted(name, name));
    }

    private static ObjectNode parse(String json) {
        return Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
    }
}

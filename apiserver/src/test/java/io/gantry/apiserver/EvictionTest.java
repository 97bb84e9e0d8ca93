package io.gantry.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.Json;
import io.gantry.api.ResourceType;
import io.gantry.apiserver.rest.ObjectService;
import io.gantry.apiserver.rest.WriteOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pods/eviction over HTTPS against PodDisruptionBudgets whose status the test writes (no disruption controller
 * runs here). Each test works in a namespace of its own.
 */
class EvictionTest {
    @RegisterExtension
    static final TestCluster cluster = new TestCluster();

    private static ObjectService service() {
        return cluster.server().service();
    }

    private static ResourceType type(String apiVersion, String kind) {
        return service().registry().byKind(apiVersion, kind).orElseThrow();
    }

    private static void namespace(String name) {
        ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
        ns.putObject("metadata").put("name", name);
        service().create(type("v1", "Namespace"), "", ns, WriteOptions.defaults());
    }

    /** A pod bound to n1 in the phase given, Ready or not. */
    private static ObjectNode pod(String ns, String name, String phase, boolean ready) {
        ResourceType pods = type("v1", "Pod");
        ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
        pod.putObject("metadata").put("name", name).put("namespace", ns).putObject("labels").put("app", "web");
        pod.putObject("spec").put("nodeName", "n1").putArray("containers").addObject().put("name", "c")
                .put("image", "busybox:1.36");
        ObjectNode created = service().create(pods, ns, pod, WriteOptions.defaults());
        ObjectNode status = created.putObject("status").put("phase", phase);
        status.putArray("conditions").addObject().put("type", "Ready").put("status", ready ? "True" : "False");
        return service().update(pods, ns, name, created, "status", WriteOptions.defaults());
    }

    /** A budget over app=web (or the selector given) with the status a disruption controller would have written. */
    private static ObjectNode budget(String ns, String name, String spec, int allowed, int current, int desired) {
        ResourceType budgets = type("policy/v1", "PodDisruptionBudget");
        ObjectNode pdb = Json.object().put("apiVersion", "policy/v1").put("kind", "PodDisruptionBudget");
        pdb.putObject("metadata").put("name", name).put("namespace", ns);
        pdb.set("spec", Json.parseObject(spec.getBytes()));
        ObjectNode created = service().create(budgets, ns, pdb, WriteOptions.defaults());
        created.putObject("status").put("disruptionsAllowed", allowed).put("currentHealthy", current)
                .put("desiredHealthy", desired).put("expectedPods", current)
                .put("observedGeneration", created.path("metadata").path("generation").asLong());
        return service().update(budgets, ns, name, created, "status", WriteOptions.defaults());
    }

    private static final String WEB = "{\"minAvailable\":2,\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}";

    private static TestCluster.Reply evict(String ns, String pod, String deleteOptions) throws Exception {
        return cluster.post("/api/v1/namespaces/" + ns + "/pods/" + pod + "/eviction", """
                {"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"%s","namespace":"%s"}%s}"""
                .formatted(pod, ns, deleteOptions == null ? "" : ",\"deleteOptions\":" + deleteOptions));
    }

    private static JsonNode budgetStatus(String ns, String name) {
        return service().get(type("policy/v1", "PodDisruptionBudget"), ns, name).path("status");
    }

    private static boolean terminating(String ns, String pod) {
        return service().find(type("v1", "Pod"), ns, pod)
                .map(p -> p.path("metadata").has("deletionTimestamp")).orElse(true);
    }

    @Test
    void concurrentEvictionsSpendABudgetOfOneOnlyOnce() throws Exception {
        namespace("race");
        for (int i = 1; i <= 4; i++) {
            pod("race", "web-" + i, "Running", true);
        }
        budget("race", "web-pdb", WEB, 1, 4, 3);

        List<Integer> codes = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<TestCluster.Reply>> replies = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                String pod = "web-" + i;
                replies.add(threads.submit((Callable<TestCluster.Reply>) () -> evict("race", pod, null)));
            }
            for (Future<TestCluster.Reply> reply : replies) {
                codes.add(reply.get().status());
            }
        }
        assertThat(codes).containsOnly(201, 429).containsOnlyOnce(201);
        JsonNode status = budgetStatus("race", "web-pdb");
        assertThat(status.path("disruptionsAllowed").asInt()).isZero();
        assertThat(status.path("disruptedPods").size()).isEqualTo(1);
        String evicted = status.path("disruptedPods").fieldNames().next();
        assertThat(terminating("race", evicted)).isTrue();
        assertThat(status.path("conditions").get(0).path("reason").asText()).isEqualTo("InsufficientPods");
        for (int i = 1; i <= 4; i++) {
            if (!evicted.equals("web-" + i)) {
                assertThat(terminating("race", "web-" + i)).isFalse();
            }
        }
    }

    @Test
    void aRefusalCarriesTheBudgetsCauseAndNoRetryAfter() throws Exception {
        namespace("refuse");
        pod("refuse", "web-1", "Running", true);
        pod("refuse", "web-2", "Running", true);
        budget("refuse", "web-pdb", WEB, 0, 2, 2);

        TestCluster.Reply reply = evict("refuse", "web-1", null);

        assertThat(reply.status()).isEqualTo(429);
        assertThat(reply.response().headers().firstValue("Retry-After")).isEmpty();
        assertThat(reply.body().path("reason").asText()).isEqualTo("TooManyRequests");
        assertThat(reply.body().path("message").asText())
                .isEqualTo("Cannot evict pod as it would violate the pod's disruption budget.");
        JsonNode cause = reply.body().path("details").path("causes").get(0);
        assertThat(cause.path("reason").asText()).isEqualTo("DisruptionBudget");
        assertThat(cause.path("message").asText())
                .isEqualTo("The disruption budget web-pdb needs 2 healthy pods and has 2 currently");
        assertThat(terminating("refuse", "web-1")).isFalse();
    }

    @Test
    void aBudgetNotYetObservedIsStillBeingProcessed() throws Exception {
        namespace("unobserved");
        pod("unobserved", "web-1", "Running", true);
        ResourceType budgets = type("policy/v1", "PodDisruptionBudget");
        ObjectNode pdb = Json.object().put("apiVersion", "policy/v1").put("kind", "PodDisruptionBudget");
        pdb.putObject("metadata").put("name", "web-pdb");
        pdb.set("spec", Json.parseObject(WEB.getBytes()));
        service().create(budgets, "unobserved", pdb, WriteOptions.defaults());

        TestCluster.Reply reply = evict("unobserved", "web-1", null);

        assertThat(reply.status()).isEqualTo(429);
        assertThat(reply.response().headers().firstValue("Retry-After")).contains("10");
        assertThat(reply.body().path("details").path("causes").get(0).path("message").asText())
                .isEqualTo("The disruption budget web-pdb is still being processed by the server.");
    }

    @Test
    void podsCoveredByTwoBudgetsCannotBeEvicted() throws Exception {
        namespace("two");
        pod("two", "web-1", "Running", true);
        budget("two", "a", WEB, 1, 1, 0);
        budget("two", "b", "{\"maxUnavailable\":1,\"selector\":{}}", 1, 1, 0);
        // no selector covers nothing
        budget("two", "c", "{\"maxUnavailable\":1}", 0, 1, 1);

        TestCluster.Reply reply = evict("two", "web-1", null);

        assertThat(reply.status()).isEqualTo(500);
        assertThat(reply.body().path("message").asText()).isEqualTo(
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.");
        assertThat(terminating("two", "web-1")).isFalse();
    }

    @Test
    void unreadyPodsGoWhenTheBudgetIsMetWithoutThemOrAlwaysAllowed() throws Exception {
        namespace("unready");
        pod("unready", "web-1", "Running", true);
        pod("unready", "web-2", "Running", true);
        pod("unready", "sick-1", "Running", false);
        pod("unready", "sick-2", "Running", false);
        budget("unready", "web-pdb", WEB, 0, 2, 2);

        // IfHealthyBudget: the two healthy pods meet the budget, so an unready one may go without spending
        assertThat(evict("unready", "sick-1", null).status()).isEqualTo(201);
        assertThat(terminating("unready", "sick-1")).isTrue();
        assertThat(budgetStatus("unready", "web-pdb").has("disruptedPods")).isFalse();

        // once the budget is not met, unready pods are protected too (they may be about to become ready)
        ObjectNode pdb = service().get(type("policy/v1", "PodDisruptionBudget"), "unready", "web-pdb");
        pdb.with("status").put("currentHealthy", 1);
        service().update(type("policy/v1", "PodDisruptionBudget"), "unready", "web-pdb", pdb, "status",
                WriteOptions.defaults());
        assertThat(evict("unready", "sick-2", null).status()).isEqualTo(429);

        // AlwaysAllow lets them go however the budget stands; a healthy pod is still protected
        service().patch(type("policy/v1", "PodDisruptionBudget"), "unready", "web-pdb",
                io.gantry.apiserver.rest.PatchType.MERGE, Json.parseObject(
                        "{\"spec\":{\"unhealthyPodEvictionPolicy\":\"AlwaysAllow\"}}".getBytes()), "",
                WriteOptions.defaults());
        pdb = service().get(type("policy/v1", "PodDisruptionBudget"), "unready", "web-pdb");
        pdb.with("status").put("observedGeneration", pdb.path("metadata").path("generation").asLong());
        service().update(type("policy/v1", "PodDisruptionBudget"), "unready", "web-pdb", pdb, "status",
                WriteOptions.defaults());
        assertThat(evict("unready", "sick-2", null).status()).isEqualTo(201);
        assertThat(evict("unready", "web-1", null).status()).isEqualTo(429);
    }

    @Test
    void terminalPendingAndTerminatingPodsAreDeletedWhateverTheBudget() throws Exception {
        namespace("done");
        pod("done", "finished", "Succeeded", false);
        pod("done", "waiting", "Pending", false);
        pod("done", "leaving", "Running", true);
        budget("done", "web-pdb", WEB, 0, 3, 3);
        assertThat(cluster.delete("/api/v1/namespaces/done/pods/leaving").status()).isEqualTo(202);

        for (String pod : List.of("finished", "waiting", "leaving")) {
            assertThat(evict("done", pod, null).status()).as(pod).isEqualTo(201);
            assertThat(terminating("done", pod)).as(pod).isTrue();
        }
        assertThat(budgetStatus("done", "web-pdb").path("disruptionsAllowed").asInt()).isZero();
    }

    @Test
    void deleteOptionsAreKept() throws Exception {
        namespace("options");
        ObjectNode pod = pod("options", "web-1", "Running", true);
        pod("options", "web-2", "Running", true);
        budget("options", "web-pdb", WEB, 5, 7, 2);

        TestCluster.Reply wrongUid = evict("options", "web-1", "{\"preconditions\":{\"uid\":\"not-the-uid\"}}");
        assertThat(wrongUid.status()).isEqualTo(409);
        TestCluster.Reply staleVersion = evict("options", "web-1", "{\"preconditions\":{\"resourceVersion\":\"1\"}}");
        assertThat(staleVersion.status()).isEqualTo(409);
        assertThat(terminating("options", "web-1")).isFalse();

        TestCluster.Reply ok = evict("options", "web-1", "{\"gracePeriodSeconds\":7,\"preconditions\":{\"uid\":\""
                + pod.path("metadata").path("uid").asText() + "\"}}");
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.body().path("status").asText()).isEqualTo("Success");
        assertThat(service().get(type("v1", "Pod"), "options", "web-1").path("metadata")
                .path("deletionGracePeriodSeconds").asLong()).isEqualTo(7);
        // as Kubernetes' eviction: the pod says why it goes
        assertThat(service().get(type("v1", "Pod"), "options", "web-1").path("status").path("conditions")
                .findValuesAsText("reason")).contains("EvictionByEvictionAPI");

        // dry run: nothing is spent and nothing deleted
        assertThat(cluster.post("/api/v1/namespaces/options/pods/web-2/eviction?dryRun=All", """
                {"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"web-2"}}""").status()).isEqualTo(201);
        assertThat(terminating("options", "web-2")).isFalse();
        assertThat(budgetStatus("options", "web-pdb").path("disruptedPods").has("web-2")).isFalse();

        TestCluster.Reply mismatch = cluster.post("/api/v1/namespaces/options/pods/web-2/eviction", """
                {"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"web-1"}}""");
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(mismatch.body().path("message").asText()).isEqualTo("name in URL does not match name in Eviction object");
    }
}

package io.gantry.apiserver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The garbage collector's reactions to single changes, each well within its 30 s resync, so they come from the
 * change itself and not from a periodic pass.
 */
class GarbageCollectorTest {
    private static final String CM = "/api/v1/namespaces/default/configmaps";
    private static final Duration PROMPTLY = Duration.ofSeconds(5);

    @RegisterExtension
    static final TestCluster cluster = new TestCluster();

    private static String configMap(String name, String... owners) {
        StringBuilder refs = new StringBuilder();
        for (String owner : owners) {
            String[] nameAndUid = owner.split("=");
            refs.append(refs.isEmpty() ? "" : ",").append("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"")
                    .append(nameAndUid[0]).append("\",\"uid\":\"").append(nameAndUid[1]).append("\"}");
        }
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\""
                + (owners.length == 0 ? "" : ",\"ownerReferences\":[" + refs + "]") + "}}";
    }

    private static String create(String name, String... owners) throws Exception {
        var reply = cluster.post(CM, configMap(name, owners));
        assertThat(reply.status()).as(reply.raw()).isEqualTo(201);
        return reply.body().at("/metadata/uid").asText();
    }

    private static boolean gone(String name) throws Exception {
        return cluster.get(CM + "/" + name).status() == 404;
    }

    @Test
    void anObjectCreatedWithOnlyAMissingOwnerIsCollected() throws Exception {
        create("dangling", "never-created=6d1f9c1e-0000-4000-8000-000000000001");
        await().atMost(PROMPTLY).until(() -> gone("dangling"));
    }

    @Test
    void aReferenceToAMissingOwnerIsDroppedWhileAnotherOwnerRemains() throws Exception {
        String keeper = create("keeper");
        create("shared", "keeper=" + keeper);
        var patched = cluster.patch(CM + "/shared", "application/merge-patch+json",
                "{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"keeper\","
                        + "\"uid\":\"" + keeper + "\"},{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"name\":\"ghost\","
                        + "\"uid\":\"6d1f9c1e-0000-4000-8000-000000000002\"}]}}");
        assertThat(patched.status()).as(patched.raw()).isEqualTo(200);
        await().atMost(PROMPTLY).until(() ->
                cluster.get(CM + "/shared").body().at("/metadata/ownerReferences").size() == 1);
        assertThat(cluster.get(CM + "/shared").body().at("/metadata/ownerReferences/0/name").asText())
                .isEqualTo("keeper");
    }

    @Test
    void deletingAnOwnerCollectsItsDependentsAndStatusWritesDoNotDisturbThem() throws Exception {
        String owner = create("parent");
        create("child", "parent=" + owner);
        for (int i = 0; i < 5; i++) {
            assertThat(cluster.patch(CM + "/child", "application/merge-patch+json",
                    "{\"data\":{\"n\":\"" + i + "\"}}").status()).isEqualTo(200);
        }
        assertThat(gone("child")).isFalse();
        assertThat(cluster.delete(CM + "/parent").status()).isEqualTo(200);
        await().atMost(PROMPTLY).until(() -> gone("child"));
    }

    @Test
    void foregroundDeletionRemovesTheChainBottomUp() throws Exception {
        String top = create("top");
        String middle = create("middle", "top=" + top);
        create("bottom", "middle=" + middle);
        assertThat(cluster.send("DELETE", CM + "/top", "application/json",
                "{\"propagationPolicy\":\"Foreground\"}".getBytes()).status()).isEqualTo(202);
        await().atMost(PROMPTLY).until(() -> gone("top"));
        assertThat(gone("middle")).isTrue();
        assertThat(gone("bottom")).isTrue();
    }
}

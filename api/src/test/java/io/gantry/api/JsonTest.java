package io.gantry.api;

import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTest {
    @Test
    void buffersArePooledAcrossThreadsNotKeptPerThread() {
        // Requests run on virtual threads, one each: a per-thread pool would hand every parse fresh buffers.
        assertThat(Json.MAPPER.getFactory()._getRecyclerPool())
                .isNotInstanceOf(JsonRecyclerPools.ThreadLocalPool.class)
                .isNotInstanceOf(JsonRecyclerPools.NonRecyclingPool.class);
    }

    @Test
    void concurrentVirtualThreadsParseAndWriteWithTheSharedPool() throws Exception {
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 500; i++) {
                String json = "{\"metadata\":{\"name\":\"p-" + i + "\"},\"data\":{\"k\":\"" + "x".repeat(i * 37) + "\"}}";
                results.add(threads.submit(() -> {
                    ObjectNode parsed = Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
                    return new String(Json.bytes(parsed), StandardCharsets.UTF_8).equals(json) ? "same" : json;
                }));
            }
            for (Future<String> r : results) {
                assertThat(r.get()).isEqualTo("same");
            }
        }
    }
}

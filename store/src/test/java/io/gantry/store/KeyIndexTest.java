package io.gantry.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyIndexTest {
    private final KeyIndex index = new KeyIndex();

    private void put(String key, long revision, long createRevision, boolean deleted) {
        index.add(key, new KeyIndex.Version(revision, createRevision, deleted));
    }

    private List<String> live(String prefix, String startAfter, long revision, int limit) {
        return index.live(prefix, startAfter, revision, limit).stream()
                .map(e -> e.getKey() + "@" + e.getValue().revision()).toList();
    }

    @Test
    void aKeyIsSeenAsItWasAtEachRevision() {
        put("/a", 1, 1, false);
        put("/a", 3, 1, false);
        put("/a", 5, 1, true);
        put("/a", 7, 7, false);
        assertThat(index.at("/a", 0)).isNull();
        assertThat(index.at("/a", 2)).isEqualTo(new KeyIndex.Version(1, 1, false));
        assertThat(index.at("/a", 4)).isEqualTo(new KeyIndex.Version(3, 1, false));
        assertThat(index.at("/a", 6)).isEqualTo(new KeyIndex.Version(5, 1, true));
        assertThat(index.at("/a", Long.MAX_VALUE)).isEqualTo(new KeyIndex.Version(7, 7, false));
        assertThat(index.at("/b", Long.MAX_VALUE)).isNull();
    }

    @Test
    void aListingKeepsToItsPrefixAndRevisionAndSkipsDeletedKeys() {
        put("/p/a", 1, 1, false);
        put("/p/b", 2, 2, false);
        put("/p/c", 3, 3, false);
        put("/p/b", 4, 2, true);
        put("/p/d", 5, 5, false);
        put("/pa", 6, 6, false);
        put("/o", 7, 7, false);
        assertThat(live("/p/", null, 3, 0)).containsExactly("/p/a@1", "/p/b@2", "/p/c@3");
        assertThat(live("/p/", null, 7, 0)).containsExactly("/p/a@1", "/p/c@3", "/p/d@5");
        assertThat(live("/p/", "/p/a", 7, 0)).containsExactly("/p/c@3", "/p/d@5");
        assertThat(live("/p/", "/p/a", 7, 1)).containsExactly("/p/c@3");
        assertThat(live("/p/", "/a", 7, 0)).containsExactly("/p/a@1", "/p/c@3", "/p/d@5");
        assertThat(live("/p", null, 7, 0)).containsExactly("/p/a@1", "/p/c@3", "/p/d@5", "/pa@6");
        assertThat(live("", null, 7, 0)).hasSize(5);
    }

    @Test
    void compactionKeepsEachKeysNewestVersionAtTheTargetUnlessItIsADeletion() {
        put("/a", 1, 1, false);
        put("/a", 2, 1, false);
        put("/b", 3, 3, false);
        put("/b", 4, 3, true);
        put("/a", 5, 1, false);
        put("/c", 6, 6, false);
        put("/c", 7, 6, true);
        put("/c", 8, 8, false);
        assertThat(index.compactable(4)).containsExactlyInAnyOrder(1, 3, 4);
        index.compact(4);
        assertThat(index.at("/a", 4)).isEqualTo(new KeyIndex.Version(2, 1, false));
        assertThat(index.at("/a", 9)).isEqualTo(new KeyIndex.Version(5, 1, false));
        assertThat(index.at("/b", 9)).isNull();
        assertThat(index.compactable(7)).containsExactlyInAnyOrder(2, 6, 7);
        index.compact(7);
        assertThat(index.at("/c", 9)).isEqualTo(new KeyIndex.Version(8, 8, false));
        assertThat(index.at("/c", 7)).isNull();
        assertThat(live("/", null, 9, 0)).containsExactly("/a@5", "/c@8");
    }

    @Test
    void keysAreInTheOrderOfTheirUtf8Bytes() {
        List<String> keys = new ArrayList<>(List.of("a", "ab", "b", "\u00e9", "\u0800", "\ud7ff", "\ue000",
                "\uffff", "\ud800\udc00", "\udbff\udfff", "a\ud83d\ude00", "a\uffff", "a\uff00b"));
        Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            StringBuilder key = new StringBuilder();
            for (int j = random.nextInt(4); j >= 0; j--) {
                key.appendCodePoint(switch (random.nextInt(4)) {
                    case 0 -> 'a' + random.nextInt(3);
                    case 1 -> 0xD7F0 + random.nextInt(0x10);
                    case 2 -> 0xFFF0 + random.nextInt(0x0E);
                    default -> 0x10000 + random.nextInt(0x100);
                });
            }
            keys.add(key.toString());
        }
        List<String> byBytes = keys.stream().distinct()
                .sorted((x, y) -> Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8),
                        y.getBytes(StandardCharsets.UTF_8)))
                .toList();
        List<String> shuffled = new ArrayList<>(byBytes);
        Collections.shuffle(shuffled, random);
        for (int i = 0; i < shuffled.size(); i++) {
            put(shuffled.get(i), i + 1, i + 1, false);
        }
        assertThat(index.live("", null, Long.MAX_VALUE, 0)).extracting(Map.Entry::getKey).isEqualTo(byBytes);
    }
}

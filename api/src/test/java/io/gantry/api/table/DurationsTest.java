package io.gantry.api.table;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class DurationsTest {

    @ParameterizedTest(name = "{0}ms -> {1}")
    @CsvSource({
            "-2500, <invalid>",
            "-2000, <invalid>",
            "-1500, 0s",
            "-1000, 0s",
            "-500, 0s",
            "0, 0s",
            "1000, 1s",
            "1999, 1s",
            "90000, 90s",
            "119000, 119s",
            "120000, 2m",
            "121000, 2m1s",
            "150000, 2m30s",
            "184000, 3m4s",
            "599000, 9m59s",
            "600000, 10m",
            "10740000, 179m",
            "10800000, 3h",
            "10860000, 3h1m",
            "28740000, 7h59m",
            "28800000, 8h",
            "172740000, 47h",
            "172800000, 2d",
            "172860000, 2d",
            "176400000, 2d1h",
            "183600000, 2d3h",
            "687600000, 7d23h",
            "691200000, 8d",
            "62985600000, 729d",
            "63072000000, 2y",
            "63158400000, 2y1d",
            "252201600000, 7y364d",
            "252288000000, 8y",
            "315360000000, 10y",
    })
    void matchesKubernetesHumanDuration(long millis, String expected) {
        assertThat(Durations.humanAge(Duration.ofMillis(millis))).isEqualTo(expected);
    }
}

package io.gantry.api.validation;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class QuantityTest {
    @Test
    void parsesSuffixes() {
        assertThat(Quantity.parse("100m").orElseThrow()).isEqualByComparingTo("0.1");
        assertThat(Quantity.parse("1Gi").orElseThrow()).isEqualByComparingTo(BigDecimal.valueOf(1L << 30));
        assertThat(Quantity.parse("1G").orElseThrow()).isEqualByComparingTo("1000000000");
        assertThat(Quantity.parse("2e3").orElseThrow()).isEqualByComparingTo("2000");
        assertThat(Quantity.parse("0.5").orElseThrow()).isEqualByComparingTo("0.5");
        assertThat(Quantity.parse("-1").orElseThrow()).isEqualByComparingTo("-1");
        assertThat(Quantity.parse("1x")).isEmpty();
        assertThat(Quantity.parse("abc")).isEmpty();
    }
}

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

    /** The forms read without the regular expressions give what the regular expressions give, scale included. */
    @Test
    void usualFormsReadAsTheGeneralSyntaxDoes() {
        assertThat(Quantity.parse("100m").orElseThrow()).isEqualTo(new BigDecimal("0.100"));
        assertThat(Quantity.parse("64Mi").orElseThrow()).isEqualTo(BigDecimal.valueOf(64L << 20));
        assertThat(Quantity.parse("110").orElseThrow()).isEqualTo(new BigDecimal("110"));
        assertThat(Quantity.parse("007k").orElseThrow()).isEqualTo(new BigDecimal("7").multiply(new BigDecimal("1e3")));
        assertThat(Quantity.parse(" 5m").orElseThrow()).isEqualTo(new BigDecimal("0.005"));
        assertThat(Quantity.parse("5m ").orElseThrow()).isEqualTo(new BigDecimal("0.005"));
        assertThat(Quantity.parse("1E").orElseThrow()).isEqualByComparingTo("1e18");
        assertThat(Quantity.parse("1e3").orElseThrow()).isEqualByComparingTo("1000");
        assertThat(Quantity.parse("1.5Gi").orElseThrow()).isEqualByComparingTo(BigDecimal.valueOf(3L << 29));
        assertThat(Quantity.parse("1mi")).isEmpty();
        assertThat(Quantity.parse("1KiB")).isEmpty();
        assertThat(Quantity.parse("")).isEmpty();
    }
}

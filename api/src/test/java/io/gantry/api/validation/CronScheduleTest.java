package io.gantry.api.validation;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class CronScheduleTest {
    @ParameterizedTest
    @ValueSource(strings = {"*/5 * * * *", "0 0 * * 0", "0 9-17 * JAN-MAR mon-fri", "@hourly", "@daily", "@yearly",
            "@every 1h30m", "15,45 */2 1 * ?", "5 4 * * sun"})
    void accepts(String schedule) {
        assertThat(CronSchedule.check(schedule)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "foo|expected exactly 5 fields, found 1: [foo]",
            "* * * *|expected exactly 5 fields, found 4: [* * * *]",
            "60 * * * *|end of range (60) above maximum (59): 60",
            "* * 0 * *|beginning of range (0) below minimum (1): 0",
            "5-1 * * * *|beginning of range (5) beyond end of range (1): 5-1",
            "x * * * *|failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax",
            "*/0 * * * *|step of range should be a positive number: */0",
            "@fortnightly|unrecognized descriptor: @fortnightly"})
    void rejectsWithParserMessage(String schedule, String message) {
        assertThat(CronSchedule.check(schedule)).contains(message);
    }
}

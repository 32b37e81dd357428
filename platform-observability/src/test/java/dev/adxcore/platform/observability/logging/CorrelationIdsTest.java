package dev.adxcore.platform.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CorrelationIdsTest {

    @Test
    void newIdsAreValidAndDistinct() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String id = CorrelationIds.newId();
            assertThat(CorrelationIds.isValid(id)).isTrue();
            ids.add(id);
        }
        assertThat(ids).hasSize(1_000);
        assertThat(ids.iterator().next()).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void headersThatCouldInjectIntoLogsAreInvalid() {
        assertThat(CorrelationIds.isValid("abc\r\n2026-01-01 INFO forged line")).isFalse();
        assertThat(CorrelationIds.isValid("abc\",\"tenant_id\":\"other")).isFalse();
        assertThat(CorrelationIds.isValid("a b")).isFalse();
        assertThat(CorrelationIds.isValid("x".repeat(129))).isFalse();
        assertThat(CorrelationIds.isValid("")).isFalse();
        assertThat(CorrelationIds.isValid(null)).isFalse();
        assertThat(CorrelationIds.isValid("req-7f3a_2:b.c+d/e=")).isTrue();
        assertThat(CorrelationIds.isValid("x".repeat(128))).isTrue();
    }

    @Test
    void orNewKeepsAValidIdAndReplacesAnInvalidOne() {
        assertThat(CorrelationIds.orNew("req-1")).isEqualTo("req-1");
        assertThat(CorrelationIds.orNew("bad\nid")).isNotEqualTo("bad\nid").satisfies(id ->
                assertThat(CorrelationIds.isValid(id)).isTrue());
        assertThat(CorrelationIds.isValid(CorrelationIds.orNew(null))).isTrue();
    }
}

package dev.adxcore.platform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Invalid events are rejected with {@link InvalidEventException} and a message naming the rule. */
class EventValidationTest {

    @Test
    void blankTypeIsRejected() {
        assertThatThrownBy(() -> Event.builder("  "))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("event type must match [a-z0-9._-]{1,200} (was '  ')");
    }

    @Test
    void typeWithUppercaseOrSpacesIsRejected() {
        assertThatThrownBy(() -> Event.builder("User Created"))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("event type must match [a-z0-9._-]{1,200} (was 'User Created')");
    }

    @Test
    void dataThatIsNotJsonIsRejected() {
        Event.Builder builder = Event.builder("user.created").data("{email: a@example.com}");

        assertThatThrownBy(builder::build)
                .isInstanceOf(InvalidEventException.class)
                .hasMessageStartingWith("event data must be well-formed JSON: ");
    }

    @Test
    void dataWithTrailingContentIsRejected() {
        Event.Builder builder = Event.builder("user.created").data("{} {}");

        assertThatThrownBy(builder::build)
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("event data must be a single JSON value (found trailing content)");
    }

    @Test
    void extensionNameOutsideTheSpecsRulesIsRejected() {
        assertThatThrownBy(() -> Event.builder("a.b").extension("trace_parent", "x"))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage(
                        "extension name must match [a-z0-9]{1,20} and not be a reserved attribute (was 'trace_parent')");
    }

    @Test
    void causedByCarriesCorrelationCausationTenantAndUser() {
        Event parent = Event.builder("order.placed")
                .tenantId("7d1f5e2a-3c4b-4d6e-8f9a-0b1c2d3e4f50")
                .userId("u-1")
                .build();

        Event child = Event.builder("invoice.issued").causedBy(parent).build();

        assertThat(child.correlationId()).isEqualTo(parent.correlationId()).isEqualTo(parent.id());
        assertThat(child.causationId()).contains(parent.id());
        assertThat(child.tenantId()).contains(java.util.UUID.fromString("7d1f5e2a-3c4b-4d6e-8f9a-0b1c2d3e4f50"));
        assertThat(child.userId()).contains("u-1");
    }
}

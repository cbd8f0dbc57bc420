package io.flashsale.settlement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class SettlementPropertiesTest {

    private static SettlementProperties bound(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("flashsale.settlement", SettlementProperties.class);
    }

    @Test
    void aProcessThatAlsoServesBuyersSettlesOneBatchAtATime() {
        assertThat(bound(Map.of()).consumers(true)).isEqualTo(1);
    }

    @Test
    void aProcessThatOnlySettlesRunsFourBatchesSideBySide() {
        assertThat(bound(Map.of()).consumers(false)).isEqualTo(4);
    }

    @Test
    void aNumberSetByTheOperatorHoldsForEveryProcess() {
        var settings = bound(Map.of("flashsale.settlement.consumers", "3"));

        assertThat(settings.consumers(true)).isEqualTo(3);
        assertThat(settings.consumers(false)).isEqualTo(3);
    }

    @Test
    void anEmptyValueLeavesTheNumberToTheRoles() {
        var settings = bound(Map.of("flashsale.settlement.consumers", ""));

        assertThat(settings.consumers(true)).isEqualTo(1);
        assertThat(settings.consumers(false)).isEqualTo(4);
    }

    @Test
    void noBatchOrFewerFailsTheBindingAndNamesTheSetting() {
        for (String value : new String[] {"0", "-1"}) {
            assertThatThrownBy(() -> bound(Map.of("flashsale.settlement.consumers", value)))
                    .as(value)
                    .isInstanceOf(BindException.class)
                    .rootCause()
                    .hasMessage("flashsale.settlement.consumers must be at least 1, not " + value);
        }
    }

    @Test
    void anEmptyBatchOrNoTimeToFillOneFailsTheBindingAndNamesTheSetting() {
        assertThatThrownBy(() -> bound(Map.of("flashsale.settlement.batch-size", "0")))
                .isInstanceOf(BindException.class)
                .rootCause()
                .hasMessage("flashsale.settlement.batch-size must be at least 1, not 0");
        assertThatThrownBy(() -> bound(Map.of("flashsale.settlement.batch-timeout", "0ms")))
                .isInstanceOf(BindException.class)
                .rootCause()
                .hasMessage("flashsale.settlement.batch-timeout must be positive, not PT0S");
    }

    @Test
    void aValueThatIsNoNumberFailsTheBinding() {
        assertThatThrownBy(() -> bound(Map.of("flashsale.settlement.consumers", "abc")))
                .isInstanceOf(BindException.class)
                .hasMessageContaining("flashsale.settlement.consumers");
    }
}

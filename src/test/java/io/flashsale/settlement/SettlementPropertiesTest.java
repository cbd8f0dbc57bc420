package io.flashsale.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
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
}

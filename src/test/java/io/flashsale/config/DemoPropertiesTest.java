package io.flashsale.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** {@code flashsale.demo} is a switch and a prefix at once; the record binds beside the switch. */
class DemoPropertiesTest {

    @Test
    void startsInBindsBesideTheSwitchAndDefaultsTo30Seconds() {
        assertThat(bind(Map.of("flashsale.demo", "true", "flashsale.demo.starts-in", "5s"))
                        .startsIn())
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(bind(Map.of("flashsale.demo", "true")).startsIn()).isEqualTo(Duration.ofSeconds(30));
    }

    private static DemoProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("flashsale.demo", DemoProperties.class);
    }
}

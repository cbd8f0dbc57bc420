package io.flashsale;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

class ModularityTests {

    @Test
    void capabilitiesOnlyDependOnWhatTheyDeclare() {
        ApplicationModules.of(FlashSaleApplication.class).verify();
    }
}

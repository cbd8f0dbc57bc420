package io.flashsale;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The module structure: each capability depends only on what its package-info declares (other
 * modules reach admission only through its {@code gate} named interface), and the module diagram
 * in docs/modules is written from the code.
 */
class ModularityTests {

    static final ApplicationModules MODULES = ApplicationModules.of(FlashSaleApplication.class);

    @Test
    void capabilitiesOnlyDependOnWhatTheyDeclare() {
        MODULES.verify();
    }

    @Test
    void writesTheModuleDiagramIntoDocs() {
        new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder("docs/modules"))
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml();
    }
}

package io.flashsale;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;
import org.springframework.stereotype.Repository;

/** Rules the module check does not cover. */
class ArchitectureTests {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.flashsale");

    /**
     * A repository is its module's own: other modules go through the module's API (for the order
     * ledger, {@code OrderBook} and {@code BuyerHoldings}).
     */
    @Test
    void noRepositoryIsUsedAcrossModules() {
        classes()
                .that()
                .areAnnotatedWith(Repository.class)
                .should(onlyBeAccessedFromTheirOwnModule())
                .check(MAIN);
    }

    private static ArchCondition<JavaClass> onlyBeAccessedFromTheirOwnModule() {
        return new ArchCondition<>("only be accessed from their own module") {
            @Override
            public void check(JavaClass repository, ConditionEvents events) {
                String module = moduleOf(repository);
                repository.getAccessesToSelf().stream()
                        .filter(access -> !moduleOf(access.getOriginOwner()).equals(module))
                        .forEach(access -> events.add(SimpleConditionEvent.violated(access, access.getDescription())));
            }
        };
    }

    /** The first package under io.flashsale, e.g. "sale" for io.flashsale.sale.SaleRepository. */
    private static String moduleOf(JavaClass type) {
        String rest = type.getPackageName().substring("io.flashsale".length());
        return rest.isEmpty() ? "" : rest.substring(1).split("\\.")[0];
    }
}

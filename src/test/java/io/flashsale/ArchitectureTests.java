package io.flashsale;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

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

    /**
     * The gate, the part of admission other modules use, depends on nothing else in admission: what
     * it tells the rest (units moved, messages heard, statuses to cache, standing orders to queue)
     * goes through interfaces of its own that the rest implements (docs/adr/0048).
     */
    @Test
    void theGateDependsOnNothingElseInAdmission() {
        noClasses()
                .that()
                .resideInAPackage("..admission.gate..")
                .should()
                .dependOnClassesThat(resideInAPackage("..admission..").and(not(resideInAPackage("..admission.gate.."))))
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

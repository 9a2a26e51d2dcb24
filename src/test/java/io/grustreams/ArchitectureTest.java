package io.grustreams;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package import rules of DESIGN.md: app -> stream -> engine -> {anomaly, train} -> model. The
 * math and the per-key engine know no Kafka; the model knows no Jackson except its codec. The tools
 * (benchmarks, NAB, PyTorch reference verification) sit apart in {@code tools}: they may use any
 * production package, and no production class uses them except {@code app.Main}, which registers their
 * commands.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.grustreams");
    }

    @Test
    void shouldKeepModelFreeOfKafkaAndOtherFeatures() {
        noClasses().that().resideInAPackage("io.grustreams.model..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.apache.kafka..", "io.grustreams.train..", "io.grustreams.anomaly..",
                        "io.grustreams.engine..", "io.grustreams.stream..", "io.grustreams.app..")
                .check(classes);
    }

    @Test
    void shouldConfineJacksonInModelToTheCodec() {
        noClasses().that().resideInAPackage("io.grustreams.model..")
                .and().resideOutsideOfPackage("io.grustreams.model.codec..")
                .should().dependOnClassesThat().resideInAPackage("com.fasterxml.jackson..")
                .check(classes);
    }

    @Test
    void shouldKeepTrainFreeOfKafkaAndTheStream() {
        noClasses().that().resideInAPackage("io.grustreams.train..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.apache.kafka..", "io.grustreams.engine..", "io.grustreams.stream..",
                        "io.grustreams.app..", "io.grustreams.anomaly..")
                .check(classes);
    }

    @Test
    void shouldKeepAnomalyFreeOfKafkaAndTheStream() {
        noClasses().that().resideInAPackage("io.grustreams.anomaly..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.apache.kafka..", "io.grustreams.engine..", "io.grustreams.stream..",
                        "io.grustreams.app..", "io.grustreams.train..")
                .check(classes);
    }

    @Test
    void shouldKeepTheEngineFreeOfKafkaAndTheAdapters() {
        noClasses().that().resideInAPackage("io.grustreams.engine..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.apache.kafka..", "io.grustreams.stream..", "io.grustreams.app..")
                .check(classes);
    }

    @Test
    void shouldKeepProductionCodeFreeOfTheTools() {
        noClasses().that().resideOutsideOfPackage("io.grustreams.tools..")
                .and().doNotHaveFullyQualifiedName("io.grustreams.app.Main")
                .should().dependOnClassesThat().resideInAPackage("io.grustreams.tools..")
                .check(classes);
    }

    @Test
    void shouldRunBacktestAndNabOnTheEngineWithoutKafka() {
        noClasses().that().resideInAnyPackage("io.grustreams.app.backtest..", "io.grustreams.tools.nab..",
                        "io.grustreams.tools.reference..")
                // The command reads the stream's settings, so NAB runs the detector the stream runs.
                .and().doNotHaveFullyQualifiedName("io.grustreams.tools.nab.NabCommand")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.grustreams.stream..")
                .check(classes);
    }

    @Test
    void shouldKeepStreamIndependentOfTheApplication() {
        noClasses().that().resideInAPackage("io.grustreams.stream..")
                .should().dependOnClassesThat().resideInAPackage("io.grustreams.app..")
                .check(classes);
    }
}

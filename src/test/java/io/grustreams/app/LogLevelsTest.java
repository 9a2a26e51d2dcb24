package io.grustreams.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The console of the command line: Kafka's loggers at ERROR (their WARNs on a normal run read like
 * faults), the product's own at WARN, and --verbose sets Kafka's back to WARN. The logging of the
 * running demo itself is checked by DemoCommandIT, on the shipped configuration.
 */
class LogLevelsTest {

    private static final String LEVEL = "org.slf4j.simpleLogger.log.";

    /** The shipped simplelogger.properties (tests have their own on the class path before it). */
    private static Properties shipped() throws IOException, URISyntaxException {
        Path classes = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(classes.resolve("simplelogger.properties"))) {
            p.load(in);
        }
        return p;
    }

    @Test
    void shouldShowOnlyErrorsOfKafkasLoggersAndWarningsOfTheProduct() throws Exception {
        Properties p = shipped();
        assertEquals("warn", p.getProperty("org.slf4j.simpleLogger.defaultLogLevel"));
        for (String logger : Main.KAFKA_LOGGERS) {
            assertEquals("error", p.getProperty(LEVEL + logger), logger);
        }
        assertEquals(null, p.getProperty(LEVEL + "io.grustreams"), "the product's warnings show");
    }

    @Test
    void shouldShowKafkasWarningsWithVerbose() {
        Map<String, String> levels = Main.verboseLogLevels();
        assertEquals(Main.KAFKA_LOGGERS.size(), levels.size());
        for (String logger : Main.KAFKA_LOGGERS) {
            assertEquals("warn", levels.get(LEVEL + logger), logger);
        }
    }
}

package io.grustreams.tools.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The parts of {@code bench soak} that read what the stream and the instances write. */
class SoakBenchTest {

    @Test
    void shouldReadTheKeyIndexOfTheProducersKeysOnly() {
        assertEquals(0, SoakBench.keyIndex(bytes("key-0")));
        assertEquals(99_999, SoakBench.keyIndex(bytes("key-99999")));
        assertEquals(-1, SoakBench.keyIndex(bytes("key-")));
        assertEquals(-1, SoakBench.keyIndex(bytes("kex-1")));
        assertEquals(-1, SoakBench.keyIndex(bytes("key-1a")));
        assertEquals(-1, SoakBench.keyIndex(bytes("key-1234567890")));
        assertEquals(-1, SoakBench.keyIndex(null));
    }

    @Test
    void shouldReadTheModelVersionOfAForecastRecord() {
        assertEquals(12, SoakBench.modelVersion(bytes("{\"key\":\"key-1\",\"ts\":\"2026-12-05T08:00:00Z\","
                + "\"model\":\"bench\",\"modelVersion\":12,\"forecast\":{\"f0\":1.5}}")));
        assertEquals(-1, SoakBench.modelVersion(bytes("{\"model\":\"bench\"}")));
        assertEquals(-1, SoakBench.modelVersion(bytes("{\"modelVersion\":null}")));
    }

    @Test
    void shouldReadAHeapSizeAsXmxTakesIt() {
        CommandLine cl = new CommandLine(new SoakBench());
        assertEquals(512L << 20, SoakBench.heapBytes(cl, "512m"));
        assertEquals(1L << 30, SoakBench.heapBytes(cl, "1G"));
        assertEquals(100L << 20, SoakBench.heapBytes(cl, Long.toString(100L << 20)));
        assertThrows(CommandLine.ParameterException.class, () -> SoakBench.heapBytes(cl, "1.5g"));
        assertThrows(CommandLine.ParameterException.class, () -> SoakBench.heapBytes(cl, "32m"));
    }

    @Test
    void shouldSumEverySampleOfACounterInThePrometheusText() {
        String text = "# HELP gru_forecasts_total Forecast records emitted\n"
                + "# TYPE gru_forecasts_total counter\n"
                + "gru_forecasts_total{thread=\"a\"} 12.0\n"
                + "gru_forecasts_total{thread=\"b\"} 3.0\n"
                + "gru_forecasts_totally 100.0\n"
                + "gru_forecast_error 1.0\n";
        assertEquals(15, SoakInstance.sumOf(text, "gru_forecasts_total"));
        assertEquals(0, SoakInstance.sumOf("", "gru_forecasts_total"));
    }

    @Test
    void shouldRefuseARunTooShortForItsFaults() {
        CommandLine cl = new CommandLine(new SoakBench());
        cl.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
        assertEquals(2, cl.execute("--minutes", "0.2"));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

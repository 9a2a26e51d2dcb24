package io.grustreams.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RecordWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> FEATURES = List.of("temp", "load", "rpm");

    /** Every number of a record as its text in the record, by path ("forecast.temp", "score", "ahead.temp[1]"). */
    private static Map<String, String> numberTexts(byte[] record) throws IOException {
        Map<String, String> out = new HashMap<>();
        Deque<String> path = new ArrayDeque<>();
        try (JsonParser p = JSON.getFactory().createParser(record)) {
            String field = null;
            int index = -1;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case FIELD_NAME -> field = p.currentName();
                    case START_OBJECT -> {
                        if (field != null) {
                            path.addLast(field);
                        }
                    }
                    case END_OBJECT -> path.pollLast();
                    case START_ARRAY -> index = 0;
                    case END_ARRAY -> index = -1;
                    case VALUE_NUMBER_FLOAT, VALUE_NUMBER_INT -> {
                        String prefix = path.isEmpty() ? "" : String.join(".", path) + ".";
                        out.put(prefix + field + (index >= 0 ? "[" + index++ + "]" : ""), p.getText());
                    }
                    default -> {
                    }
                }
            }
        }
        return out;
    }

    /** The number's text in the record is what Jackson's fast writer (the previous writer) printed, and reads back exactly. */
    private static void assertNumber(double expected, Map<String, String> texts, JsonNode node, String where) {
        assertTrue(node.isNumber(), where + " is not a number: " + node);
        assertEquals(DoubleToDecimal.toString(expected), texts.get(where), where);
        assertEquals(expected, node.doubleValue(), 0.0, where);
    }

    private static double[] random(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(12) - 4);
        }
        return v;
    }

    @Test
    void shouldWriteEveryNumberOfAForecastAsItsShortestText() throws IOException {
        RecordWriter w = new RecordWriter(FEATURES);
        Random rnd = new Random(31);
        for (int r = 0; r < 2000; r++) {
            double[] forecast = random(rnd, 3);
            double[] actual = random(rnd, 3);
            double[] expected = random(rnd, 3);
            double score = rnd.nextDouble();
            double likelihood = rnd.nextDouble();
            double anomaly = rnd.nextDouble();
            byte[] record = w.forecast("k-" + r, 1714564800000L + r, "m", 7, forecast, null, actual, expected,
                    score, likelihood, anomaly, r % 2 == 0);
            JsonNode n = JSON.readTree(record);
            Map<String, String> texts = numberTexts(record);
            for (int i = 0; i < 3; i++) {
                String f = FEATURES.get(i);
                assertNumber(forecast[i], texts, n.get("forecast").get(f), "forecast." + f);
                assertNumber(actual[i], texts, n.get("actual").get(f), "actual." + f);
                assertNumber(expected[i], texts, n.get("expected").get(f), "expected." + f);
                assertNumber(actual[i] - expected[i], texts, n.get("error").get(f), "error." + f);
            }
            assertNumber(score, texts, n.get("score"), "score");
            assertNumber(likelihood, texts, n.get("likelihood"), "likelihood");
            assertNumber(anomaly, texts, n.get("anomalyScore"), "anomalyScore");
            assertEquals(r % 2 == 0, n.get("alertOpen").booleanValue());
            assertEquals("k-" + r, n.get("key").asText());
        }
    }

    @Test
    void shouldWriteTheForecastsOfEveryHorizonPerFeatureOnlyWhenThereAreSeveral() throws IOException {
        RecordWriter w = new RecordWriter(FEATURES);
        Random rnd = new Random(5);
        double[] forecast = random(rnd, 3);
        // Row k holds the forecasts k + 1 events ahead; row 0 is the next event's.
        double[] ahead = random(rnd, 3 * 4);
        System.arraycopy(forecast, 0, ahead, 0, 3);
        byte[] record = w.forecast("k", 0L, "m", 1, forecast, ahead, forecast, null, Double.NaN, Double.NaN,
                Double.NaN, false);
        JsonNode n = JSON.readTree(record);
        Map<String, String> texts = numberTexts(record);
        for (int i = 0; i < 3; i++) {
            String f = FEATURES.get(i);
            assertEquals(4, n.get("ahead").get(f).size());
            for (int k = 0; k < 4; k++) {
                assertNumber(ahead[k * 3 + i], texts, n.get("ahead").get(f).get(k), "ahead." + f + "[" + k + "]");
            }
            assertEquals(n.get("forecast").get(f), n.get("ahead").get(f).get(0));
        }
        byte[] one = w.forecast("k", 0L, "m", 1, forecast, null, forecast, null, Double.NaN, Double.NaN, Double.NaN,
                false);
        assertNull(JSON.readTree(one).get("ahead"));
    }

    @Test
    void shouldWriteNullForAScoreItCouldNotComputeAndKeepOtherRecordsIntact() throws IOException {
        RecordWriter w = new RecordWriter(FEATURES);
        double[] v = {1.5, -0.25, 1e-7};
        JsonNode first = JSON.readTree(w.forecast("a", 0L, "m", 1, v, null, v, null, Double.NaN, Double.NaN, Double.NaN,
                false));
        assertTrue(first.get("expected").isNull());
        assertTrue(first.get("score").isNull());
        byte[] record = w.forecast("a", 1L, "m", 1, v, null, v, v, Double.NaN, 0.5, Double.NaN, false);
        JsonNode second = JSON.readTree(record);
        Map<String, String> texts = numberTexts(record);
        assertTrue(second.get("score").isNull());
        assertNumber(0.5, texts, second.get("likelihood"), "likelihood");
        assertNumber(1e-7, texts, second.get("forecast").get("rpm"), "forecast.rpm");
        assertEquals("1.0E-7", texts.get("forecast.rpm"));
        assertEquals("0.0", texts.get("error.rpm"));
    }

    @Test
    void shouldWriteTheNumbersOfAnAlertAsTheirShortestText() throws IOException {
        RecordWriter w = new RecordWriter(FEATURES);
        Random rnd = new Random(32);
        List<byte[]> alerts = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        for (int r = 0; r < 200; r++) {
            double[] actual = random(rnd, 3);
            double[] expected = random(rnd, 3);
            values.add(actual);
            values.add(expected);
            alerts.add(w.alert("k", r, "OPEN", 0.9, 0.999, actual, expected, "m", 2, "likelihood"));
        }
        for (int r = 0; r < alerts.size(); r++) {
            JsonNode n = JSON.readTree(alerts.get(r));
            Map<String, String> texts = numberTexts(alerts.get(r));
            for (int i = 0; i < 3; i++) {
                String f = FEATURES.get(i);
                assertNumber(values.get(2 * r)[i], texts, n.get("actual").get(f), "actual." + f);
                assertNumber(values.get(2 * r + 1)[i], texts, n.get("expected").get(f), "expected." + f);
            }
            assertNumber(0.999, texts, n.get("likelihood"), "likelihood");
        }
    }
}

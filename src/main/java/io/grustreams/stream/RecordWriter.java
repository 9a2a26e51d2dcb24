package io.grustreams.stream;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;

/**
 * Writes forecast and alert records as JSON (formats in README "Records"). One generator over one
 * growable buffer, made once per processor: each record is a root value written, flushed and
 * copied out. Feature arrays are in {@code gru.features} order. Not thread-safe.
 */
final class RecordWriter {

    private static final SerializedString KEY = new SerializedString("key");
    private static final SerializedString TS = new SerializedString("ts");
    private static final SerializedString MODEL = new SerializedString("model");
    private static final SerializedString MODEL_VERSION = new SerializedString("modelVersion");
    private static final SerializedString FORECAST = new SerializedString("forecast");
    private static final SerializedString AHEAD = new SerializedString("ahead");
    private static final SerializedString ACTUAL = new SerializedString("actual");
    private static final SerializedString EXPECTED = new SerializedString("expected");
    private static final SerializedString ERROR = new SerializedString("error");
    private static final SerializedString SCORE = new SerializedString("score");
    private static final SerializedString LIKELIHOOD = new SerializedString("likelihood");
    private static final SerializedString ANOMALY_SCORE = new SerializedString("anomalyScore");
    private static final SerializedString ALERT_OPEN = new SerializedString("alertOpen");
    private static final SerializedString STATE = new SerializedString("state");
    private static final SerializedString REASON = new SerializedString("reason");

    private final SerializedString[] featureNames;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
    private final JsonGenerator gen;
    private final char[] tsChars = new char[IsoInstant.MAX_CHARS];
    private final DoubleText number = new DoubleText();

    RecordWriter(List<String> features) {
        featureNames = new SerializedString[features.size()];
        for (int i = 0; i < featureNames.length; i++) {
            featureNames[i] = new SerializedString(features.get(i));
        }
        try {
            // No separator between root values: each record is cut out of the buffer on its own.
            // Doubles go through DoubleText: the shortest decimal that reads back to the same double,
            // as JDK 19+ Double.toString and Jackson's fast writer print it.
            gen = new JsonFactoryBuilder().rootValueSeparator((SerializableString) null).build()
                    .createGenerator(buffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A forecast record.
     *
     * @param forecast next value per feature, original units. Not modified.
     * @param ahead null, or the forecasts of the next N &gt; 1 events, {@code N · D} values, row k the
     *     forecast k + 1 events ahead (row 0 is {@code forecast}). Not modified.
     * @param actual this event's values. Not modified.
     * @param expected the previous forecast, or null on a key's first forecast. Not modified.
     * @param score anomaly score; not finite (NaN) for none. Ignored when {@code expected} is null.
     * @param likelihood anomaly likelihood; not finite (NaN) for none. Ignored when {@code expected} is null.
     * @param anomalyScore the detector's per-event anomaly score in [0, 1] (out of range, residual
     *     novelty). Ignored when {@code expected} is null.
     */
    byte[] forecast(String key, long ts, String model, long modelVersion, double[] forecast, double[] ahead,
            double[] actual, double[] expected, double score, double likelihood, double anomalyScore,
            boolean alertOpen) {
        try {
            gen.writeStartObject();
            gen.writeFieldName(KEY);
            gen.writeString(key);
            writeTs(ts);
            gen.writeFieldName(MODEL);
            gen.writeString(model);
            gen.writeFieldName(MODEL_VERSION);
            gen.writeNumber(modelVersion);
            writeFeatures(FORECAST, forecast);
            if (ahead != null) {
                // {"f": [x̂_{t+1}, ..., x̂_{t+N}], ...}
                int d = featureNames.length;
                gen.writeFieldName(AHEAD);
                gen.writeStartObject();
                for (int i = 0; i < d; i++) {
                    gen.writeFieldName(featureNames[i]);
                    gen.writeStartArray();
                    for (int k = i; k < ahead.length; k += d) {
                        writeDouble(ahead[k]);
                    }
                    gen.writeEndArray();
                }
                gen.writeEndObject();
            }
            writeFeatures(ACTUAL, actual);
            if (expected == null) {
                writeNull(EXPECTED);
                writeNull(ERROR);
                writeNull(SCORE);
                writeNull(LIKELIHOOD);
                writeNull(ANOMALY_SCORE);
            } else {
                writeFeatures(EXPECTED, expected);
                gen.writeFieldName(ERROR);
                gen.writeStartObject();
                for (int i = 0; i < featureNames.length; i++) {
                    gen.writeFieldName(featureNames[i]);
                    writeDouble(actual[i] - expected[i]);
                }
                gen.writeEndObject();
                writeNumber(SCORE, score);
                writeNumber(LIKELIHOOD, likelihood);
                writeNumber(ANOMALY_SCORE, anomalyScore);
            }
            gen.writeFieldName(ALERT_OPEN);
            gen.writeBoolean(alertOpen);
            gen.writeEndObject();
            return cut();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An alert record.
     *
     * @param state {@code OPEN} or {@code RESOLVED}
     * @param actual this event's values. Not modified.
     * @param expected the forecast it was scored against. Not modified.
     */
    byte[] alert(String key, long ts, String state, double score, double likelihood, double[] actual,
            double[] expected, String model, long modelVersion, String reason) {
        try {
            gen.writeStartObject();
            gen.writeFieldName(KEY);
            gen.writeString(key);
            writeTs(ts);
            gen.writeFieldName(STATE);
            gen.writeString(state);
            writeNumber(SCORE, score);
            writeNumber(LIKELIHOOD, likelihood);
            writeFeatures(ACTUAL, actual);
            writeFeatures(EXPECTED, expected);
            gen.writeFieldName(MODEL);
            gen.writeString(model);
            gen.writeFieldName(MODEL_VERSION);
            gen.writeNumber(modelVersion);
            gen.writeFieldName(REASON);
            gen.writeString(reason == null ? "" : reason);
            gen.writeEndObject();
            return cut();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeTs(long ts) throws IOException {
        gen.writeFieldName(TS);
        int n = IsoInstant.format(ts, tsChars);
        if (n < 0) {
            gen.writeString(Instant.ofEpochMilli(ts).toString());
        } else {
            gen.writeString(tsChars, 0, n);
        }
    }

    private void writeFeatures(SerializedString field, double[] values) throws IOException {
        gen.writeFieldName(field);
        gen.writeStartObject();
        for (int i = 0; i < featureNames.length; i++) {
            gen.writeFieldName(featureNames[i]);
            writeDouble(values[i]);
        }
        gen.writeEndObject();
    }

    // JSON has no NaN: a score the detector could not compute is written as null.
    private void writeNumber(SerializedString field, double v) throws IOException {
        gen.writeFieldName(field);
        if (Double.isFinite(v)) {
            writeDouble(v);
        } else {
            gen.writeNull();
        }
    }

    /**
     * A feature's number: its shortest text written straight into the generator's buffer, the same
     * bytes Jackson's fast writer makes; a non-finite one (which the parser never lets in, but a
     * model could compute) as Jackson writes it.
     */
    private void writeDouble(double v) throws IOException {
        if (Double.isFinite(v)) {
            gen.writeRawValue(number.set(v));
        } else {
            gen.writeNumber(v);
        }
    }

    private void writeNull(SerializedString field) throws IOException {
        gen.writeFieldName(field);
        gen.writeNull();
    }

    private byte[] cut() throws IOException {
        gen.flush();
        byte[] out = buffer.toByteArray();
        buffer.reset();
        return out;
    }
}

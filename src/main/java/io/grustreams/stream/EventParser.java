package io.grustreams.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses input events (README, "Records") into a reused {@link ParsedEvent}:
 * {@code {"ts": <ISO-8601 or epoch ms>, "value": <number>}} for a stream of one feature, or
 * {@code {"ts": ..., "values": {"<feature>": <number>, ...}}} with exactly the features of
 * {@code gru.features}. Other top-level fields are ignored, so producers may add fields.
 *
 * <p>Streaming (no tree): the only allocations are Jackson's parser and, for a good event, the key
 * string. Never throws on bad input; one instance per processor (not thread-safe).
 */
final class EventParser {

    private static final int MAX_DETAIL = 300;

    private final JsonFactory json = JsonFactory.builder()
            // NaN and Infinity as Python's json.dumps writes them: parsed so they are reported as
            // not-finite, which says more than not-json.
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // Lemire's algorithm, correctly rounded like Double.parseDouble (the same bits) and faster.
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final List<String> features;
    private final Map<String, Integer> featureIndex = new HashMap<>();
    private final int maxBytes;

    /**
     * @param features the feature names of {@code gru.features}, in ring-buffer order
     * @param maxBytes larger values are {@link BadInput#TOO_LARGE}
     */
    EventParser(List<String> features, int maxBytes) {
        this.features = List.copyOf(features);
        for (int i = 0; i < this.features.size(); i++) {
            featureIndex.put(this.features.get(i), i);
        }
        this.maxBytes = maxBytes;
    }

    /**
     * Parses one record.
     *
     * @param key record key, not modified
     * @param value record value, not modified
     * @param out reset, then filled. Modified.
     * @return {@code out.ok()}
     */
    boolean parse(byte[] key, byte[] value, ParsedEvent out) {
        out.reset();
        if (!parseKey(key, out)) {
            return false;
        }
        if (value == null || value.length == 0) {
            return out.fail(BadInput.EMPTY_VALUE, "the record value is " + (value == null ? "null" : "empty"));
        }
        if (value.length > maxBytes) {
            return out.fail(BadInput.TOO_LARGE, "the value has " + value.length + " bytes, more than "
                    + StreamSettings.EVENT_MAX_BYTES + " = " + maxBytes);
        }
        try (JsonParser p = json.createParser(value)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                return out.fail(BadInput.NOT_AN_OBJECT, "an event is a JSON object, got " + describe(first));
            }
            int single = 0;
            int multi = 0;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "ts" -> {
                        if (!parseTimestamp(p, v, out)) {
                            return false;
                        }
                    }
                    case "value" -> {
                        single++;
                        if (!readNumber(p, v, "value", out)) {
                            return false;
                        }
                        // Whether one value fits the stream is judged after the object: with "values" too,
                        // the event is conflicting whatever the feature count.
                        if (features.size() == 1) {
                            out.values[0] = p.getDoubleValue();
                            out.seen[0] = true;
                        }
                    }
                    case "values" -> {
                        multi++;
                        if (!parseValues(p, v, out)) {
                            return false;
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                return out.fail(BadInput.NOT_JSON, "content after the event object: " + describe(trailing));
            }
            if (single > 0 && multi > 0) {
                return out.fail(BadInput.CONFLICTING_VALUE, "the event has both \"value\" and \"values\"");
            }
            if (single == 0 && multi == 0) {
                return out.fail(BadInput.MISSING_VALUE, "the event has neither \"value\" nor \"values\"");
            }
            return multi == 0 ? requireOneFeature(out) : requireAllFeatures(out);
        } catch (JsonProcessingException e) {
            return out.fail(BadInput.NOT_JSON, clip(e.getOriginalMessage()));
        } catch (IOException | RuntimeException e) {
            // Random bytes can fail in Jackson's encoding detection or decoders with other exceptions;
            // bad input must never escape as an exception.
            return out.fail(BadInput.NOT_JSON, clip(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
    }

    private boolean parseKey(byte[] key, ParsedEvent out) {
        if (key == null || key.length == 0) {
            return out.fail(BadInput.BAD_KEY, "the record key (entity id) is " + (key == null ? "null" : "empty"));
        }
        if (isAscii(key)) {
            // ASCII is valid UTF-8 and decodes to the same chars; most entity ids are, and this
            // skips the strict decoder's buffers.
            out.key = new String(key, StandardCharsets.ISO_8859_1);
            return true;
        }
        try {
            out.key = utf8.reset().decode(ByteBuffer.wrap(key)).toString();
            return true;
        } catch (CharacterCodingException e) {
            return out.fail(BadInput.BAD_KEY, "the record key is not UTF-8");
        }
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private boolean parseTimestamp(JsonParser p, JsonToken v, ParsedEvent out) throws IOException {
        switch (v) {
            case VALUE_NULL -> {
                return true;
            }
            case VALUE_NUMBER_INT -> {
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0) {
                    return out.fail(BadInput.BAD_TIMESTAMP, "ts " + clip(p.getText())
                            + " is not a non-negative epoch-millisecond time");
                }
                out.timestamp = p.getLongValue();
                out.hasTimestamp = true;
                return true;
            }
            case VALUE_NUMBER_FLOAT -> {
                double ms = p.getDoubleValue();
                if (!Double.isFinite(ms) || ms < 0 || ms >= 0x1p63) {
                    return out.fail(BadInput.BAD_TIMESTAMP, "ts " + clip(p.getText())
                            + " is not a non-negative epoch-millisecond time");
                }
                // Fractions of a millisecond are cut (producers that scale seconds by 1000 write them).
                out.timestamp = (long) ms;
                out.hasTimestamp = true;
                return true;
            }
            case VALUE_STRING -> {
                String text = p.getText();
                try {
                    long ms = Instant.parse(text).toEpochMilli();
                    if (ms < 0) {
                        return out.fail(BadInput.BAD_TIMESTAMP, "ts " + clip(text) + " is before 1970");
                    }
                    out.timestamp = ms;
                    out.hasTimestamp = true;
                    return true;
                } catch (DateTimeParseException | ArithmeticException e) {
                    return out.fail(BadInput.BAD_TIMESTAMP, "ts \"" + clip(text)
                            + "\" is not an ISO-8601 instant such as 2024-05-01T12:00:00Z");
                }
            }
            default -> {
                return out.fail(BadInput.BAD_TIMESTAMP, "ts must be a number or a string, got " + describe(v));
            }
        }
    }

    private boolean readNumber(JsonParser p, JsonToken v, String what, ParsedEvent out) throws IOException {
        if (v != JsonToken.VALUE_NUMBER_INT && v != JsonToken.VALUE_NUMBER_FLOAT) {
            return out.fail(BadInput.WRONG_TYPE, what + " must be a number, got " + describe(v));
        }
        double d = p.getDoubleValue();
        if (!Double.isFinite(d)) {
            return out.fail(BadInput.NOT_FINITE, what + " " + clip(p.getText()) + " is not a finite double");
        }
        return true;
    }

    private boolean requireOneFeature(ParsedEvent out) {
        if (features.size() != 1) {
            return out.fail(BadInput.WRONG_FEATURE_COUNT, "a single \"value\" given, but the stream has "
                    + features.size() + " features " + features + "; use \"values\"");
        }
        return true;
    }

    private boolean parseValues(JsonParser p, JsonToken v, ParsedEvent out) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            return out.fail(BadInput.WRONG_TYPE, "values must be an object of feature: number, got " + describe(v));
        }
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String name = p.currentName();
            JsonToken fv = p.nextToken();
            Integer i = featureIndex.get(name);
            if (i == null) {
                return out.fail(BadInput.UNKNOWN_FEATURE, "unknown feature \"" + clip(name) + "\" (the stream has "
                        + features + ")");
            }
            if (!readNumber(p, fv, "values." + name, out)) {
                return false;
            }
            out.values[i] = p.getDoubleValue();
            out.seen[i] = true;
        }
        return true;
    }

    private boolean requireAllFeatures(ParsedEvent out) {
        int missing = 0;
        for (boolean s : out.seen) {
            missing += s ? 0 : 1;
        }
        if (missing == 0) {
            return true;
        }
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < out.seen.length; i++) {
            if (!out.seen[i]) {
                names.append(names.length() == 0 ? "" : ", ").append(features.get(i));
            }
        }
        return out.fail(BadInput.WRONG_FEATURE_COUNT, "values has " + (features.size() - missing) + " of "
                + features.size() + " features; missing " + names);
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.name();
        };
    }

    private static String clip(String s) {
        if (s == null) {
            return "";
        }
        return s.length() <= MAX_DETAIL ? s : s.substring(0, MAX_DETAIL) + "...";
    }
}

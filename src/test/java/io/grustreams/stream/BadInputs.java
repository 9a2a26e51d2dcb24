package io.grustreams.stream;

import io.grustreams.model.GruLayout;
import io.grustreams.model.GruModel;
import io.grustreams.model.Normalization;
import io.grustreams.model.Parameters;
import io.grustreams.model.Variant;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The bad inputs the dead-letter tests send, one list for the topology tests and the real-broker
 * ones, so that both cover the same kinds.
 */
public final class BadInputs {

    /** One bad input record and the reason the stream must give it. */
    public record Bad(String name, byte[] key, byte[] value, BadInput reason) {
    }

    private BadInputs() {
    }

    /**
     * Every kind of bad input a stream of the two features {@code temp, load} can be sent, with a
     * payload of {@code largeBytes} (a well-formed event padded past {@code gru.event.max.bytes}).
     */
    public static List<Bad> ofEveryKind(int largeBytes) {
        byte[] k = utf8("k");
        byte[] good = utf8("{\"values\": {\"temp\": 1, \"load\": 2}}");
        byte[] large = new byte[largeBytes];
        byte[] head = utf8("{\"values\": {\"temp\": 1, \"load\": 2}, \"pad\": \"");
        Arrays.fill(large, (byte) 'x');
        System.arraycopy(head, 0, large, 0, head.length);
        large[largeBytes - 2] = '"';
        large[largeBytes - 1] = '}';
        byte[] random = new byte[512];
        new Random(99).nextBytes(random);
        return List.of(
                new Bad("not JSON", k, utf8("temp=1,load=2"), BadInput.NOT_JSON),
                new Bad("a JSON array", k, utf8("[1, 2]"), BadInput.NOT_AN_OBJECT),
                new Bad("missing value", k, utf8("{\"ts\": 5}"), BadInput.MISSING_VALUE),
                new Bad("value and values", k, utf8("{\"value\": 1, \"values\": {\"temp\": 1, \"load\": 2}}"),
                        BadInput.CONFLICTING_VALUE),
                new Bad("value of the wrong type", k, utf8("{\"values\": {\"temp\": \"hot\", \"load\": 2}}"),
                        BadInput.WRONG_TYPE),
                new Bad("NaN", k, utf8("{\"values\": {\"temp\": NaN, \"load\": 2}}"), BadInput.NOT_FINITE),
                new Bad("+Infinity", k, utf8("{\"values\": {\"temp\": Infinity, \"load\": 2}}"), BadInput.NOT_FINITE),
                new Bad("-Infinity", k, utf8("{\"values\": {\"temp\": 1, \"load\": -Infinity}}"), BadInput.NOT_FINITE),
                new Bad("overflow", k, utf8("{\"values\": {\"temp\": 1e999, \"load\": 2}}"), BadInput.NOT_FINITE),
                new Bad("null key", null, good, BadInput.BAD_KEY),
                new Bad("empty key", new byte[0], good, BadInput.BAD_KEY),
                new Bad("key not UTF-8", new byte[] {(byte) 0xc3, (byte) 0x28}, good, BadInput.BAD_KEY),
                new Bad("too few features", k, utf8("{\"values\": {\"temp\": 1}}"), BadInput.WRONG_FEATURE_COUNT),
                new Bad("one value for two features", k, utf8("{\"value\": 1}"), BadInput.WRONG_FEATURE_COUNT),
                new Bad("unknown feature", k, utf8("{\"values\": {\"temp\": 1, \"rpm\": 2}}"),
                        BadInput.UNKNOWN_FEATURE),
                new Bad("unparsable timestamp", k, utf8("{\"ts\": \"noon\", \"values\": {\"temp\": 1, \"load\": 2}}"),
                        BadInput.BAD_TIMESTAMP),
                new Bad(largeBytes + "-byte payload", k, large, BadInput.TOO_LARGE),
                new Bad("random bytes", k, random, BadInput.NOT_JSON),
                new Bad("null value", k, null, BadInput.EMPTY_VALUE),
                new Bad("empty value", k, new byte[0], BadInput.EMPTY_VALUE));
    }

    /**
     * A one-feature model ({@code value}) with finite weights and finite forecasts near the mean (10)
     * that overflows once 2·1e308·tanh(0.1·x̂) passes the largest double, which a value of 100 does.
     */
    public static GruModel overflowsFarFromTheMean(String name, Instant effectiveFrom) {
        GruLayout layout = GruLayout.of(Variant.CHO, 1, 1, 1);
        Parameters p = Parameters.zeros(layout);
        p.set("b_z_l0", 0, 0, 20.0);
        p.set("W_h_l0", 0, 1, 0.1);
        p.set("W_y", 0, 0, 1e308);
        return new GruModel(name, 1, effectiveFrom, List.of("value"),
                new Normalization(new double[] {10.0}, new double[] {2.0}), p, Map.of("kind", "hostile"));
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

package io.grustreams.stream;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Reading {@code gru.*} keys by a Kafka {@link ConfigDef}: the one declaration of each key's name,
 * type, default, validator, importance and documentation. Kafka's own {@link ConfigDef#parse} would
 * do, but its messages ("Invalid value x for configuration y: Not a number of type INT") read less
 * plainly than ours, which start with the key and quote the value, so that a caller can append
 * where the value came from.
 */
public final class SettingsDefinition {

    private SettingsDefinition() {
    }

    /**
     * The typed value of every key of {@code def}: parsed from {@code props} and validated, or the
     * key's default when absent (null for a key without one).
     *
     * @param props not modified; keys {@code def} does not declare are ignored
     * @throws IllegalArgumentException starting with the key, for a value of the wrong type or one its validator rejects
     */
    public static Map<String, Object> parse(ConfigDef def, Properties props) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (ConfigDef.ConfigKey k : def.configKeys().values()) {
            String raw = props.getProperty(k.name);
            if (raw == null) {
                out.put(k.name, k.defaultValue == ConfigDef.NO_DEFAULT_VALUE ? null : k.defaultValue);
                continue;
            }
            String value = raw.trim();
            Object parsed;
            try {
                parsed = ConfigDef.parseType(k.name, value, k.type);
            } catch (ConfigException e) {
                throw new IllegalArgumentException(k.name + " is not " + typeName(k.type) + ": '" + raw + "'", e);
            }
            if (k.validator != null) {
                try {
                    k.validator.ensureValid(k.name, parsed);
                } catch (ConfigException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
            }
            out.put(k.name, parsed);
        }
        return Collections.unmodifiableMap(out);
    }

    private static String typeName(ConfigDef.Type type) {
        return switch (type) {
            case INT, SHORT, LONG -> "an integer";
            case DOUBLE -> "a number";
            case BOOLEAN -> "true or false";
            default -> "a " + type.name().toLowerCase(Locale.ROOT);
        };
    }

    /** An integer in [min, max]; the message is "{@code key must be in [min, max]: value}". */
    public static ConfigDef.Validator intIn(long min, long max) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                long n = ((Number) value).longValue();
                if (n < min || n > max) {
                    throw new ConfigException(name + " must be in [" + min + ", " + max + "]: " + n);
                }
            }

            @Override
            public String toString() {
                return "integer in [" + min + ", " + max + "]";
            }
        };
    }

    /** A finite number in [min, max]: {@link #finiteIn} with both ends included. */
    public static ConfigDef.Validator doubleIn(double min, double max) {
        return finiteIn(min, true, max, true);
    }

    /** An integer of at least min; the message is "{@code key must be >= min: value}". */
    public static ConfigDef.Validator intAtLeast(long min) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                long n = ((Number) value).longValue();
                if (n < min) {
                    throw new ConfigException(name + " must be >= " + min + ": " + n);
                }
            }

            @Override
            public String toString() {
                return "integer >= " + min;
            }
        };
    }

    /**
     * A finite number between min and max, each end included or not (max infinite: no upper end); the
     * message is "{@code key must be in (min, max]: value}" or "{@code key must be finite and > min: value}".
     */
    public static ConfigDef.Validator finiteIn(double min, boolean minIncluded, double max, boolean maxIncluded) {
        String interval = Double.isInfinite(max)
                ? "finite and " + (minIncluded ? ">= " : "> ") + format(min)
                : "in " + (minIncluded ? "[" : "(") + format(min) + ", " + format(max) + (maxIncluded ? "]" : ")");
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                double d = ((Number) value).doubleValue();
                boolean aboveMin = minIncluded ? d >= min : d > min;
                boolean belowMax = maxIncluded ? d <= max : d < max;
                if (!(Double.isFinite(d) && aboveMin && belowMax)) {
                    throw new ConfigException(name + " must be " + interval + ": " + format(value));
                }
            }

            @Override
            public String toString() {
                return "number " + interval.replace("finite and ", "");
            }
        };
    }

    /**
     * A value {@code check} accepts, given the key and the value; its {@link IllegalArgumentException}
     * becomes the message, prefixed
     * by the key unless it starts with it already.
     */
    public static ConfigDef.Validator checkedBy(String description, BiConsumer<String, Object> check) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                try {
                    check.accept(name, value);
                } catch (IllegalArgumentException e) {
                    String m = e.getMessage();
                    throw new ConfigException(m.startsWith(name) ? m : name + ": " + m);
                }
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }

    /** How {@code value}, a typed value of a key, is written in a properties file ("" for none). */
    public static String format(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double d && Double.isFinite(d)) {
            // 288 and 0.000001, not 288.0 and 1.0E-6: as a user would write them.
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }
}

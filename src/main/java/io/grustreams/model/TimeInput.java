package io.grustreams.model;

/**
 * A network input derived from an event's time rather than its values. Each one is a function
 * of the event's timestamp (and, for {@link #GAP}, the key's previous event's), in a configured
 * time zone, so the stream, the trainer and the backtest compute it alike ({@link TimeFeatures}).
 */
public enum TimeInput {
    /** Time of day as a point on the unit circle: {@code sin, cos(2π · secondOfDay / 86400)}. Two inputs. */
    TIME_OF_DAY("time-of-day", 2),
    /**
     * Day of the week with its fraction as a point on the unit circle:
     * {@code sin, cos(2π · (dayOfWeek + secondOfDay / 86400) / 7)}, Monday = 0. Two inputs.
     */
    DAY_OF_WEEK("day-of-week", 2),
    /**
     * The time since the key's previous event: {@code ln(1 + seconds) / ln(1 + 86400)}, so a gap of a
     * day is 1 and a gap of months stays near 1.3; 0 for a key's first event. One input.
     */
    GAP("gap", 1);

    private final String id;
    private final int width;

    TimeInput(String id, int width) {
        this.id = id;
        this.width = width;
    }

    /** The name used in settings and model files ({@code time-of-day}, ...). */
    public String id() {
        return id;
    }

    /** Network inputs this one takes. */
    public int width() {
        return width;
    }

    /** @throws IllegalArgumentException naming the unknown value and the known ones */
    public static TimeInput fromId(String id) {
        for (TimeInput t : values()) {
            if (t.id.equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown time input '" + id + "' (known: time-of-day, day-of-week, gap)");
    }
}

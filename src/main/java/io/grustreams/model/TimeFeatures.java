package io.grustreams.model;

import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;

/**
 * Computes the {@link TimeInput}s of an event in one time zone. Local time is the event's epoch
 * milliseconds plus the zone's offset at that instant, so a daylight-saving change moves the
 * time of day with the clock on the wall, as the data's daily pattern usually does.
 *
 * <p>The offset is cached with the interval it holds for (between two transitions of the zone's
 * rules), so consecutive events allocate nothing; an event outside the interval looks the offset
 * up again. Sines and cosines come from {@link StrictMath}, so the same event gives the same bits
 * on every CPU. Not thread-safe (the cache).
 */
public final class TimeFeatures {

    private static final long DAY_SECONDS = 86_400L;
    private static final double TWO_PI = 2 * Math.PI;
    private static final double GAP_NORM = 1.0 / StrictMath.log1p(DAY_SECONDS);

    private final TimeInput[] inputs;
    private final int width;
    private final ZoneRules rules;
    private final boolean fixed;
    /** Offset in seconds valid for epoch seconds in [validFrom, validTo). */
    private int offset;
    private long validFrom = Long.MAX_VALUE;
    private long validTo = Long.MIN_VALUE;

    /**
     * @param inputs the time inputs, in the order their values are written
     * @param zone the zone whose wall clock the time of day and day of week follow
     */
    public TimeFeatures(List<TimeInput> inputs, ZoneId zone) {
        this.inputs = inputs.toArray(new TimeInput[0]);
        int w = 0;
        for (TimeInput t : this.inputs) {
            w += t.width();
        }
        this.width = w;
        this.rules = zone.getRules();
        this.fixed = rules.isFixedOffset();
        if (fixed) {
            offset = rules.getOffset(Instant.EPOCH).getTotalSeconds();
            validFrom = Long.MIN_VALUE;
            validTo = Long.MAX_VALUE;
        }
    }

    /** Values {@link #write} writes. */
    public int width() {
        return width;
    }

    /**
     * Writes the time inputs of an event at {@code out[at .. at + width())}.
     *
     * @param timestamp the event's time, epoch ms
     * @param previous the key's previous event's time, epoch ms, or {@link Long#MIN_VALUE} for none
     * @param out modified
     */
    public void write(long timestamp, long previous, double[] out, int at) {
        long epochSecond = Math.floorDiv(timestamp, 1000L);
        long local = epochSecond + offsetAt(epochSecond);
        long day = Math.floorDiv(local, DAY_SECONDS);
        double dayFraction = (Math.floorMod(local, DAY_SECONDS) + Math.floorMod(timestamp, 1000L) / 1000.0)
                / DAY_SECONDS;
        int i = at;
        for (TimeInput t : inputs) {
            switch (t) {
                case TIME_OF_DAY -> {
                    double a = TWO_PI * dayFraction;
                    out[i++] = StrictMath.sin(a);
                    out[i++] = StrictMath.cos(a);
                }
                case DAY_OF_WEEK -> {
                    // 1970-01-01 was a Thursday: day 0 is weekday 3 when Monday is 0.
                    double a = TWO_PI * (Math.floorMod(day + 3, 7L) + dayFraction) / 7.0;
                    out[i++] = StrictMath.sin(a);
                    out[i++] = StrictMath.cos(a);
                }
                case GAP -> out[i++] = previous == Long.MIN_VALUE || timestamp <= previous ? 0.0
                        : StrictMath.log1p((timestamp - previous) / 1000.0) * GAP_NORM;
                default -> throw new IllegalStateException("unhandled time input " + t);
            }
        }
    }

    private int offsetAt(long epochSecond) {
        if (epochSecond < validFrom || epochSecond >= validTo) {
            Instant at = Instant.ofEpochSecond(epochSecond);
            offset = rules.getOffset(at).getTotalSeconds();
            ZoneOffsetTransition before = rules.previousTransition(at.plusSeconds(1));
            ZoneOffsetTransition after = rules.nextTransition(at);
            validFrom = before == null ? Long.MIN_VALUE : before.toEpochSecond();
            validTo = after == null ? Long.MAX_VALUE : after.toEpochSecond();
        }
        return offset;
    }
}

package io.grustreams.stream;

/**
 * Epoch milliseconds as the text {@link java.time.Instant#toString()} gives, without allocating:
 * {@code yyyy-MM-ddTHH:mm:ssZ}, with {@code .SSS} when the milliseconds are not 0. Every forecast
 * record carries its event time this way, and {@code Instant.toString} (a formatter, a builder and
 * a string per call) was a tenth of the record writer's cost.
 *
 * <p>Only years 0000 to 9999 are handled here (Instant prints others with a sign and more digits);
 * {@link #format} reports those as not handled so the caller can fall back.
 */
final class IsoInstant {

    /** Characters of the longest text {@link #format} writes. */
    static final int MAX_CHARS = 24;

    private static final long MS_PER_DAY = 86_400_000L;
    /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z in epoch ms. */
    private static final long MIN = -62_167_219_200_000L;
    private static final long END = 253_402_300_800_000L;

    private IsoInstant() {
    }

    /**
     * Writes {@code epochMs} into {@code out} from index 0.
     *
     * @param out at least {@link #MAX_CHARS} long. Modified.
     * @return characters written, or -1 if the year is outside 0000..9999 (nothing useful written)
     */
    static int format(long epochMs, char[] out) {
        if (epochMs < MIN || epochMs >= END) {
            return -1;
        }
        long days = Math.floorDiv(epochMs, MS_PER_DAY);
        int msOfDay = (int) Math.floorMod(epochMs, MS_PER_DAY);
        // Civil date from days since 1970-01-01 (Hinnant, "chrono-Compatible Low-Level Date
        // Algorithms", civil_from_days): eras of 400 years starting on March 1st.
        long z = days + 719_468L;
        long era = Math.floorDiv(z, 146_097L);
        int doe = (int) (z - era * 146_097L);
        int yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int mp = (5 * doy + 2) / 153;
        int day = doy - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        int year = (int) (yoe + era * 400) + (month <= 2 ? 1 : 0);

        digits(out, 0, year, 4);
        out[4] = '-';
        digits(out, 5, month, 2);
        out[7] = '-';
        digits(out, 8, day, 2);
        out[10] = 'T';
        int seconds = msOfDay / 1000;
        digits(out, 11, seconds / 3600, 2);
        out[13] = ':';
        digits(out, 14, seconds / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, seconds % 60, 2);
        int ms = msOfDay % 1000;
        int at = 19;
        if (ms != 0) {
            out[at] = '.';
            digits(out, at + 1, ms, 3);
            at += 4;
        }
        out[at] = 'Z';
        return at + 1;
    }

    /** {@code value} as exactly {@code width} decimal digits (zero-padded) at {@code out[at]}. */
    private static void digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}

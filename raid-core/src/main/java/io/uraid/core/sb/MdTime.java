package io.uraid.core.sb;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * md's v1 timestamps: the low 40 bits hold seconds since the epoch and the top 24 bits
 * microseconds (ctime/utime of {@code mdp_superblock_1}); and C's {@code ctime()} text that
 * mdadm prints for them.
 */
public final class MdTime {

    private static final long SECONDS_MASK = 0xFF_FFFF_FFFFL;

    // ctime(3) prints "%.3s %.3s%3d %.2d:%.2d:%.2d %d": the day is space-padded to 2.
    private static final DateTimeFormatter CTIME = new DateTimeFormatterBuilder()
            .appendPattern("EEE MMM ppd HH:mm:ss ")
            .appendValue(ChronoField.YEAR, 1, 10, SignStyle.NORMAL)
            .toFormatter(Locale.US);

    private MdTime() {
    }

    /** Packs an instant (microsecond precision, truncated) into md's 40+24 bit form. */
    public static long pack(Instant t) {
        long seconds = t.getEpochSecond();
        if (seconds < 0 || seconds > SECONDS_MASK) {
            throw new IllegalArgumentException("time out of md's 40-bit range: " + t);
        }
        long micros = t.getNano() / 1000;
        return seconds | micros << 40;
    }

    /** Seconds part of a packed time. */
    public static long seconds(long packed) {
        return packed & SECONDS_MASK;
    }

    /** Microseconds part of a packed time. */
    public static int micros(long packed) {
        return (int) (packed >>> 40);
    }

    /** Packed time as an instant. */
    public static Instant toInstant(long packed) {
        return Instant.ofEpochSecond(seconds(packed), micros(packed) * 1000L);
    }

    /** What mdadm prints with {@code "%.24s", ctime(&t)} for epoch seconds {@code t} in {@code zone}. */
    public static String ctime(long epochSeconds, ZoneId zone) {
        String s = CTIME.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(epochSeconds), zone));
        return s.length() > 24 ? s.substring(0, 24) : s;
    }
}

package io.uraid.daemon.events;

import java.util.ArrayList;
import java.util.List;

/**
 * One md event as {@code mdadm --monitor} reports it: its name (Fail, FailSpare, DegradedArray,
 * SpareActive, RebuildStarted, Rebuild20..Rebuild80, RebuildFinished, NewArray,
 * DeviceDisappeared, SparesMissing, TestMessage), the array, and the component device when the
 * event has one.
 *
 * @param component the related device (Fail, FailSpare, SpareActive), RebuildFinished's
 *                  " mismatches found: N (on raid level L)", or null
 * @param millis    when it was noticed (epoch milliseconds)
 */
public record MdEvent(String event, String array, String component, long millis) {

    /** syslog priorities, as journald reads them in a "&lt;N&gt;" prefix. */
    public static final int CRITICAL = 2;
    public static final int WARNING = 4;
    public static final int INFO = 6;

    public MdEvent(String event, String array, String component) {
        this(event, array, component, System.currentTimeMillis());
    }

    /** The priority mdadm gives the event (mdadm(8), MONITOR MODE). */
    public int priority() {
        if (event.startsWith("Fail") || event.equals("DegradedArray") || event.equals("DeviceDisappeared")) {
            return CRITICAL;
        }
        if (event.startsWith("Rebuild") || event.equals("SparesMissing")) {
            return WARNING;
        }
        return INFO; // SpareActive, NewArray, MoveSpare, TestMessage
    }

    /** The program's arguments after its path: EVENT ARRAY [COMPONENT]. */
    public List<String> arguments() {
        List<String> a = new ArrayList<>(List.of(event, array));
        if (component != null) {
            a.add(component);
        }
        return a;
    }

    /** "Fail data /dev/sdc": the arguments as one line, for the log. */
    @Override
    public String toString() {
        return String.join(" ", arguments());
    }
}

package io.uraid.daemon;

import io.uraid.core.array.Member;
import io.uraid.core.array.RaidArray;
import io.uraid.core.assembly.LeftOut;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What assembly decided, for status and detail: whether the array runs degraded (and which
 * roles have no member), the devices it left out and why, and the config arrays that did not
 * start at all. It wraps the output of {@link Reports} (kept as md and mdadm print theirs).
 */
final class AssemblyReport {
    private AssemblyReport() {
    }

    /** "DEGRADED: 1 of 2 members in sync, no member for role 1" while the array is degraded, else null. */
    static String degraded(RaidArray array) {
        if (!array.degraded()) {
            return null;
        }
        List<String> roles = new ArrayList<>();
        for (Member m : array.members()) {
            if (m.device() == null) {
                roles.add(Integer.toString(m.role()));
            }
        }
        return "DEGRADED: " + array.workingCount() + " of " + array.members().length + " members in sync"
                + (roles.isEmpty() ? "" : ", no member for role " + String.join(", ", roles));
    }

    private static List<String> warnings(ManagedArray m) {
        String d = degraded(m.array());
        return d == null ? List.of() : List.of(d);
    }

    /**
     * What status says after the mdstat text (which stays as md prints it): per array, whether it
     * runs degraded and the devices left out with the reason; then the config arrays that are
     * not running. Empty when there is nothing to say.
     */
    static String statusTrailer(List<ManagedArray> arrays, Map<String, String> notStarted) {
        StringBuilder b = new StringBuilder();
        for (ManagedArray m : arrays) {
            for (String w : warnings(m)) {
                b.append(m.name()).append(" : warning: ").append(w).append('\n');
            }
            for (LeftOut l : m.open().leftOut()) {
                b.append(m.name()).append(" : ").append(l).append('\n');
            }
        }
        notStarted.forEach((name, why) -> b.append(name).append(" : NOT STARTED (").append(why).append(")\n"));
        return b.length() == 0 ? "" : "\n" + b;
    }

    /** {@code detail} text with the assembly fields added before the device table, where mdadm puts its fields. */
    static String detail(String text, ManagedArray m) {
        StringBuilder b = new StringBuilder();
        for (String w : warnings(m)) {
            b.append(String.format("%18s : %s%n", "Warning", w));
        }
        for (LeftOut l : m.open().leftOut()) {
            b.append(String.format("%18s : %s: %s%n", "Left Out", l.device(), l.reason()));
        }
        if (b.length() == 0) {
            return text;
        }
        String fields = b.append('\n').toString().replace(System.lineSeparator(), "\n");
        int table = text.indexOf("    Number   Major");
        return table < 0 ? text + fields : text.substring(0, table) + fields + text.substring(table);
    }

    /** {@code detail --json} with "warnings" and "left_out" members added to the object. */
    static String json(String text, ManagedArray m) {
        try {
            var detail = (com.fasterxml.jackson.databind.node.ObjectNode) MAPPER.readTree(text);
            var w = detail.putArray("warnings");
            warnings(m).forEach(w::add);
            var l = detail.putArray("left_out");
            for (LeftOut x : m.open().leftOut()) {
                l.addObject().put("device", x.device().toString()).put("reason", x.reason());
            }
            return MAPPER.writeValueAsString(detail) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("detail JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            new com.fasterxml.jackson.databind.ObjectMapper();
}

package io.uraid.daemon;

import io.uraid.core.array.Member;
import java.util.List;

/** Status text for the control verbs (mdstat and mdadm --detail layouts). */
final class Reports {
    private Reports() {
    }

    static String mdstat(List<ManagedArray> arrays) {
        StringBuilder b = new StringBuilder("Personalities : [linear] [raid0] [raid1] [raid10]\n");
        for (ManagedArray m : arrays) {
            b.append(m.name()).append(" : active ").append(m.array().level().name());
            Member[] ms = m.array().members();
            for (int i = ms.length - 1; i >= 0; i--) {
                if (ms[i].device() != null) {
                    b.append(' ').append(ms[i].device().path().getFileName()).append('[').append(i).append(']')
                            .append(ms[i].state() == io.uraid.core.array.MemberState.FAULTY ? "(F)" : "");
                }
            }
            b.append("\n      ").append(m.array().size() / 1024).append(" blocks super 1.2 [").append(ms.length)
                    .append('/').append(m.array().workingCount()).append("] [");
            for (Member x : ms) {
                b.append(x.state().statusLetter());
            }
            b.append("]\n\n");
        }
        return b.append("unused devices: <none>\n").toString();
    }

    static String detail(ManagedArray m) {
        return "/dev/md/" + m.name() + ":\n             State : " + (m.array().degraded() ? "clean, degraded" : "clean")
                + "\n";
    }

    static String detailJson(ManagedArray m) {
        return "{\"name\":\"" + m.name() + "\",\"degraded\":" + m.array().degraded() + "}\n";
    }
}

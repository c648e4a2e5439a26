package io.uraid.daemon;

import io.uraid.core.sb.MdConstants;
import java.util.List;

/** The words of the control protocol for md's member flags (write-mostly, failfast). */
final class MemberFlags {
    private MemberFlags() {
    }

    /**
     * {flags to set, flags to clear} from words {@code write-mostly}, {@code failfast} and
     * (unless {@code setOnly}) {@code readwrite}, {@code nofailfast}; another word is a usage error.
     */
    static int[] parse(List<String> words, boolean setOnly) {
        int set = 0;
        int clear = 0;
        for (String w : words) {
            switch (w) {
                case "write-mostly" -> set |= MdConstants.DEVFLAG_WRITE_MOSTLY;
                case "failfast" -> set |= MdConstants.DEVFLAG_FAILFAST;
                case "readwrite" -> clear |= setOnly ? bad(w) : MdConstants.DEVFLAG_WRITE_MOSTLY;
                case "nofailfast" -> clear |= setOnly ? bad(w) : MdConstants.DEVFLAG_FAILFAST;
                default -> bad(w);
            }
        }
        if ((set & clear) != 0) {
            throw new IllegalArgumentException("a flag cannot be set and cleared at once: " + String.join(" ", words));
        }
        return new int[] {set, clear};
    }

    private static int bad(String word) {
        throw new IllegalArgumentException("unknown member flag '" + word + "' (write-mostly, readwrite, failfast, "
                + "nofailfast)");
    }

    /** "write-mostly failfast", as mdadm --examine lists them, or "none". */
    static String describe(int flags) {
        String s = ((flags & MdConstants.DEVFLAG_WRITE_MOSTLY) != 0 ? " write-mostly" : "")
                + ((flags & MdConstants.DEVFLAG_FAILFAST) != 0 ? " failfast" : "");
        return s.isEmpty() ? "none" : s.substring(1);
    }
}

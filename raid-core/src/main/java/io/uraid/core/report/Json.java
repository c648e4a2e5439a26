package io.uraid.core.report;

import java.util.List;
import java.util.Map;

/** A minimal JSON writer for status output: maps (in their order), lists, strings, numbers, booleans, null. */
final class Json {
    private Json() {
    }

    static String write(Object value) {
        StringBuilder s = new StringBuilder();
        value(s, value);
        return s.toString();
    }

    private static void value(StringBuilder s, Object v) {
        if (v == null) {
            s.append("null");
        } else if (v instanceof String str) {
            string(s, str);
        } else if (v instanceof Map<?, ?> map) {
            s.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                s.append(first ? "" : ",");
                first = false;
                string(s, String.valueOf(e.getKey()));
                s.append(':');
                value(s, e.getValue());
            }
            s.append('}');
        } else if (v instanceof List<?> list) {
            s.append('[');
            for (int i = 0; i < list.size(); i++) {
                s.append(i == 0 ? "" : ",");
                value(s, list.get(i));
            }
            s.append(']');
        } else {
            s.append(v);
        }
    }

    private static void string(StringBuilder s, String v) {
        s.append('"');
        for (char c : v.toCharArray()) {
            if (c == '"' || c == '\\') {
                s.append('\\').append(c);
            } else if (c < 0x20) {
                s.append(String.format("\\u%04x", (int) c));
            } else {
                s.append(c);
            }
        }
        s.append('"');
    }
}

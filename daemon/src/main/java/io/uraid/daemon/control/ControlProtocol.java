package io.uraid.daemon.control;

import java.util.ArrayList;
import java.util.List;

/**
 * The control socket's wire format. The client sends one line: a JSON array of strings, the
 * command words (e.g. {@code ["fail","data","/dev/sdc"]}). The daemon answers with a status
 * line, {@code ok}, {@code error MESSAGE} or {@code usage MESSAGE}, followed by the command's
 * output text, and closes the connection.
 */
public final class ControlProtocol {
    public static final String OK = "ok";
    public static final String ERROR = "error";
    public static final String USAGE = "usage";
    /** Longest request line accepted (a command with a few hundred device paths). */
    static final int MAX_REQUEST = 256 << 10;

    private ControlProtocol() {
    }

    public static String encode(List<String> words) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < words.size(); i++) {
            b.append(i == 0 ? "\"" : ",\"");
            for (char c : words.get(i).toCharArray()) {
                switch (c) {
                    case '"': b.append("\\\""); break;
                    case '\\': b.append("\\\\"); break;
                    case '\n': b.append("\\n"); break;
                    case '\r': b.append("\\r"); break;
                    case '\t': b.append("\\t"); break;
                    default:
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                }
            }
            b.append('"');
        }
        return b.append(']').toString();
    }

    /**
     * Parses a JSON array of strings.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static List<String> decode(String line) {
        List<String> out = new ArrayList<>();
        int i = skipSpace(line, 0);
        if (i >= line.length() || line.charAt(i) != '[') {
            throw new IllegalArgumentException("request must be a JSON array of strings");
        }
        i = skipSpace(line, i + 1);
        if (i < line.length() && line.charAt(i) == ']') {
            return out;
        }
        while (true) {
            if (i >= line.length() || line.charAt(i) != '"') {
                throw new IllegalArgumentException("expected a string at column " + (i + 1));
            }
            StringBuilder s = new StringBuilder();
            i++;
            while (true) {
                if (i >= line.length()) {
                    throw new IllegalArgumentException("unterminated string");
                }
                char c = line.charAt(i++);
                if (c == '"') {
                    break;
                }
                if (c != '\\') {
                    s.append(c);
                    continue;
                }
                if (i >= line.length()) {
                    throw new IllegalArgumentException("unterminated escape");
                }
                char e = line.charAt(i++);
                switch (e) {
                    case 'n': s.append('\n'); break;
                    case 'r': s.append('\r'); break;
                    case 't': s.append('\t'); break;
                    case 'b': s.append('\b'); break;
                    case 'f': s.append('\f'); break;
                    case 'u':
                        if (i + 4 > line.length()) {
                            throw new IllegalArgumentException("short \\u escape");
                        }
                        s.append((char) Integer.parseInt(line.substring(i, i + 4), 16));
                        i += 4;
                        break;
                    default: s.append(e);
                }
            }
            out.add(s.toString());
            i = skipSpace(line, i);
            if (i < line.length() && line.charAt(i) == ',') {
                i = skipSpace(line, i + 1);
            } else if (i < line.length() && line.charAt(i) == ']') {
                if (skipSpace(line, i + 1) != line.length()) {
                    throw new IllegalArgumentException("trailing data after the array");
                }
                return out;
            } else {
                throw new IllegalArgumentException("expected ',' or ']' at column " + (i + 1));
            }
        }
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }
}

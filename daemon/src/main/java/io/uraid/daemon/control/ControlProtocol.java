package io.uraid.daemon.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ControlProtocol() {
    }

    public static String encode(List<String> words) {
        try {
            return MAPPER.writeValueAsString(words);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode command: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Parses a JSON array of strings.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static List<String> decode(String line) {
        JsonNode root;
        try {
            root = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("request is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("request must be a JSON array of strings");
        }
        List<String> out = new ArrayList<>(root.size());
        for (JsonNode w : root) {
            if (!w.isTextual()) {
                throw new IllegalArgumentException("request must be a JSON array of strings, found " + w.getNodeType()
                        .name().toLowerCase(java.util.Locale.ROOT));
            }
            out.add(w.textValue());
        }
        return out;
    }
}

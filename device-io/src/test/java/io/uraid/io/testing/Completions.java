package io.uraid.io.testing;

import io.uraid.io.CompletionHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/** Records completions in the order they were delivered. */
final class Completions implements CompletionHandler {
    final Map<Long, Integer> results = new LinkedHashMap<>();

    @Override
    public void onComplete(long userData, int result) {
        if (results.put(userData, result) != null) {
            throw new AssertionError("completion delivered twice for " + userData);
        }
    }

    int result(long userData) {
        Integer r = results.get(userData);
        if (r == null) {
            throw new AssertionError("no completion for " + userData + " (have " + results + ")");
        }
        return r;
    }
}

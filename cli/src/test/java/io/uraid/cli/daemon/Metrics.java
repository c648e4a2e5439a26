package io.uraid.cli.daemon;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a running daemon's Prometheus metrics for one array. */
record Metrics(int port, String array) {
    String text() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError("metrics answered " + r.statusCode());
        }
        return r.body();
    }

    /** A per-member counter ({@code name{device=..,role=..}}), 0 when absent. */
    long member(String name, int role) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{device=\"" + array + "\",[^}]*role=\"" + role
                + "\"} (\\S+)$").matcher(text());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    /** Waits (30 s at most) until the member counter reaches {@code value}. */
    void awaitMemberBytes(String name, int role, long value) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        while (member(name, role) < value) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(name + " of role " + role + " did not reach " + value + ": " + text());
            }
            Thread.sleep(20);
        }
    }
}

package io.uraid.io.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Test certificates made at run time with openssl (never committed), laid out as nbdkit and
 * qemu expect a {@code --tls-certificates} directory: ca-cert.pem, server-cert.pem,
 * server-key.pem, client-cert.pem, client-key.pem. The server certificate names localhost,
 * 127.0.0.1 and any extra addresses given. Tests that need it skip (visibly) without openssl.
 */
public final class TestPki {
    /** How a private key is written: what openssl genpkey, genrsa -traditional and ecparam write. */
    public enum KeyFormat { PKCS8_RSA, PKCS1_RSA, SEC1_EC }

    private TestPki() {
    }

    /** Skips the calling test when openssl is missing. */
    public static void assumeOpenssl() {
        Assumptions.assumeTrue(onPath("openssl"), "openssl is not installed (apt-get install openssl): TLS test skipped");
    }

    /** A full directory in {@code dir} (created), keys in {@code format}. */
    public static Path create(Path dir, KeyFormat format, String... extraIps) throws IOException {
        assumeOpenssl();
        Files.createDirectories(dir);
        key(dir.resolve("ca-key.pem"), KeyFormat.PKCS8_RSA);
        run(dir, "openssl", "req", "-x509", "-new", "-key", "ca-key.pem", "-out", "ca-cert.pem", "-days", "2",
                "-subj", "/CN=uraid test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        StringBuilder san = new StringBuilder("subjectAltName=DNS:localhost,IP:127.0.0.1");
        for (String ip : extraIps) {
            san.append(",IP:").append(ip);
        }
        signed(dir, "server", format, san + "\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n");
        signed(dir, "client", format, "extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n");
        Files.delete(dir.resolve("ca-key.pem"));
        return dir;
    }

    /** A key pair and a certificate for it signed by the CA in {@code dir}. */
    private static void signed(Path dir, String who, KeyFormat format, String extensions) throws IOException {
        key(dir.resolve(who + "-key.pem"), format);
        Files.writeString(dir.resolve(who + ".ext"), extensions);
        run(dir, "openssl", "req", "-new", "-key", who + "-key.pem", "-out", who + ".csr", "-subj", "/CN=" + who);
        run(dir, "openssl", "x509", "-req", "-in", who + ".csr", "-CA", "ca-cert.pem", "-CAkey", "ca-key.pem",
                "-CAcreateserial", "-out", who + "-cert.pem", "-days", "2", "-extfile", who + ".ext");
        Files.delete(dir.resolve(who + ".csr"));
        Files.delete(dir.resolve(who + ".ext"));
    }

    /** Writes a new private key to {@code file} in {@code format}. */
    public static void key(Path file, KeyFormat format) throws IOException {
        assumeOpenssl();
        Path dir = file.getParent();
        String name = file.getFileName().toString();
        switch (format) {
            case PKCS8_RSA -> run(dir, "openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                    "-out", name);
            case PKCS1_RSA -> run(dir, "openssl", "genrsa", "-traditional", "-out", name, "2048");
            case SEC1_EC -> run(dir, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", name);
            default -> throw new AssertionError(format);
        }
    }

    /** Runs a command in {@code dir}; its output goes to the exception when it fails. */
    public static String run(Path dir, String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(command));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
            return out;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }
}

package io.uraid.io.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Certificates and private keys in PEM files, as nbdkit, qemu and GnuTLS's certtool or openssl
 * write them, read with the JDK alone. Text around the PEM blocks (certtool prints a
 * description first) is skipped. Keys: unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}: openssl
 * genpkey, req -nodes, certtool --pkcs8), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}: certtool
 * --generate-privkey, openssl genrsa -traditional) and SEC1 EC ({@code BEGIN EC PRIVATE KEY}:
 * openssl ecparam -genkey, certtool --key-type=ecdsa). The last two are rewrapped as PKCS#8,
 * which is what the JDK reads. Encrypted keys are refused: a daemon has no one to ask for a
 * password (nbdkit needs them unencrypted too).
 */
public final class PemFiles {
    private PemFiles() {
    }

    /** One PEM block: its label ("CERTIFICATE") and decoded bytes. */
    record Block(String label, byte[] der, boolean encryptedHeader) {
    }

    /** Every certificate in {@code file}, in order (a chain: the leaf first). */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(file)) {
                if (b.label().equals("CERTIFICATE") || b.label().equals("X509 CERTIFICATE")
                        || b.label().equals("TRUSTED CERTIFICATE")) {
                    out.add((X509Certificate) f.generateCertificate(new ByteArrayInputStream(b.der())));
                }
            }
        } catch (CertificateException e) {
            throw new IOException(file + ": not a valid certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IOException(file + ": no PEM certificate in it");
        }
        return out;
    }

    /** The first private key in {@code file}. */
    public static PrivateKey privateKey(Path file) throws IOException {
        for (Block b : blocks(file)) {
            switch (b.label()) {
                case "PRIVATE KEY":
                    return pkcs8(file, b.der());
                case "RSA PRIVATE KEY":
                    refuseEncrypted(file, b);
                    return pkcs8(file, Der.pkcs8(Der.RSA_ENCRYPTION, Der.NULL, b.der()));
                case "EC PRIVATE KEY":
                    refuseEncrypted(file, b);
                    return pkcs8(file, Der.pkcs8(Der.EC_PUBLIC_KEY, Der.sec1Curve(b.der()), b.der()));
                case "ENCRYPTED PRIVATE KEY":
                    throw new IOException(file + ": the private key is encrypted; give it unencrypted "
                            + "(as nbdkit needs it): openssl pkey -in KEY -out " + file.getFileName());
                default:
                    break;
            }
        }
        throw new IOException(file + ": no PEM private key in it (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    private static void refuseEncrypted(Path file, Block b) throws IOException {
        if (b.encryptedHeader()) {
            throw new IOException(file + ": the private key is encrypted; give it unencrypted (as nbdkit needs it)");
        }
    }

    private static PrivateKey pkcs8(Path file, byte[] der) throws IOException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException e) {
                // not this algorithm; try the next
            }
        }
        throw new IOException(file + ": unsupported or damaged private key (RSA, EC and EdDSA keys are read)");
    }

    /** The PEM blocks of {@code file}, text outside them ignored. */
    static List<Block> blocks(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IOException(file + ": not a PEM file (binary data)", e);
        }
        List<Block> out = new ArrayList<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (!l.startsWith("-----BEGIN ") || !l.endsWith("-----")) {
                continue;
            }
            String label = l.substring(11, l.length() - 5);
            String end = "-----END " + label + "-----";
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean encrypted = false;
            int j = i + 1;
            for (; j < lines.length && !lines[j].strip().equals(end); j++) {
                String b = lines[j].strip();
                if (b.contains(":")) {
                    encrypted |= b.startsWith("Proc-Type:") && b.contains("ENCRYPTED");
                    continue; // RFC 1421 headers of traditional keys
                }
                body.writeBytes(b.getBytes(StandardCharsets.US_ASCII));
            }
            if (j == lines.length) {
                throw new IOException(file + ": PEM block " + label + " has no END line");
            }
            try {
                out.add(new Block(label, Base64.getMimeDecoder().decode(body.toByteArray()), encrypted));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": bad base64 in PEM block " + label, e);
            }
            i = j;
        }
        return out;
    }
}

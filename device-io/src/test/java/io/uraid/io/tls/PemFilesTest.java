package io.uraid.io.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys and certificates as openssl writes them (the formats certtool writes too: PKCS#1 for
 * RSA by default, SEC1 for EC, PKCS#8 with --pkcs8), read with the JDK alone: each key must
 * sign what its certificate's public key verifies.
 */
class PemFilesTest {
    @TempDir
    Path dir;

    @Test
    void everyKeyFormatMatchesItsCertificate() throws Exception {
        for (TestPki.KeyFormat f : TestPki.KeyFormat.values()) {
            Path pki = TestPki.create(dir.resolve(f.name()), f);
            PrivateKey key = PemFiles.privateKey(pki.resolve("server-key.pem"));
            X509Certificate cert = PemFiles.certificates(pki.resolve("server-cert.pem")).get(0);
            byte[] msg = ("signed with a " + f + " key").getBytes();
            String alg = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            Signature s = Signature.getInstance(alg);
            s.initSign(key);
            s.update(msg);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(cert.getPublicKey());
            v.update(msg);
            assertTrue(v.verify(sig), f + ": the key read is the certificate's");
        }
    }

    @Test
    void textAroundBlocksIsSkippedAndChainsKeepTheirOrder() throws Exception {
        Path pki = TestPki.create(dir.resolve("p"), TestPki.KeyFormat.PKCS1_RSA);
        String described = "Public Key Info:\n\tPublic Key Algorithm: RSA\n\tKey Security Level: High\n\n"
                + Files.readString(pki.resolve("server-key.pem"));
        Files.writeString(dir.resolve("described.pem"), described);
        PemFiles.privateKey(dir.resolve("described.pem"));
        Files.writeString(dir.resolve("chain.pem"), "X.509 Certificate Information:\n"
                + Files.readString(pki.resolve("server-cert.pem")) + "\n" + Files.readString(pki.resolve("ca-cert.pem")));
        var chain = PemFiles.certificates(dir.resolve("chain.pem"));
        assertEquals(2, chain.size());
        assertTrue(chain.get(0).getSubjectX500Principal().getName().contains("server"));
        assertTrue(chain.get(1).getSubjectX500Principal().getName().contains("uraid test CA"));
    }

    @Test
    void encryptedMissingAndWrongFilesAreRefusedNamingTheFile() throws Exception {
        TestPki.assumeOpenssl();
        TestPki.key(dir.resolve("plain.pem"), TestPki.KeyFormat.PKCS8_RSA);
        TestPki.run(dir, "openssl", "pkcs8", "-topk8", "-in", "plain.pem", "-out", "enc.pem", "-passout", "pass:x");
        assertMessage(dir.resolve("enc.pem"), "encrypted");
        TestPki.run(dir, "openssl", "rsa", "-in", "plain.pem", "-traditional", "-aes128", "-out", "enc1.pem",
                "-passout", "pass:x");
        assertMessage(dir.resolve("enc1.pem"), "encrypted");
        assertMessage(dir.resolve("nope.pem"), "no such file");
        Files.writeString(dir.resolve("cert-only.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assertMessage(dir.resolve("cert-only.pem"), "no PEM private key");
        IOException e = assertThrows(IOException.class, () -> PemFiles.certificates(dir.resolve("plain.pem")));
        assertTrue(e.getMessage().contains("plain.pem") && e.getMessage().contains("no PEM certificate"),
                e.getMessage());
    }

    private static void assertMessage(Path file, String part) {
        IOException e = assertThrows(IOException.class, () -> PemFiles.privateKey(file));
        assertTrue(e.getMessage().contains(file.getFileName().toString()) && e.getMessage().contains(part),
                e.getMessage());
    }
}

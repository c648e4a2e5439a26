package io.uraid.io.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The little DER (ASN.1) that turning a traditional RSA or EC private key into PKCS#8 takes:
 * writing a SEQUENCE, INTEGER 0, OCTET STRING; reading the curve out of a SEC1 EC key.
 */
final class Der {
    /** OBJECT IDENTIFIER 1.2.840.113549.1.1.1 (rsaEncryption), encoded. */
    static final byte[] RSA_ENCRYPTION = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
        0x01, 0x01};
    /** OBJECT IDENTIFIER 1.2.840.10045.2.1 (id-ecPublicKey), encoded. */
    static final byte[] EC_PUBLIC_KEY = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};
    static final byte[] NULL = {0x05, 0x00};

    private static final int SEQUENCE = 0x30;
    private static final int OCTET_STRING = 0x04;
    private static final int OID = 0x06;
    /** SEC1's [0] EXPLICIT parameters. */
    private static final int CONTEXT_0 = 0xa0;

    private Der() {
    }

    /** PrivateKeyInfo { version 0, AlgorithmIdentifier { algorithm, parameters }, OCTET STRING key }. */
    static byte[] pkcs8(byte[] algorithm, byte[] parameters, byte[] key) {
        byte[] version = {0x02, 0x01, 0x00};
        return tlv(SEQUENCE, concat(version, tlv(SEQUENCE, concat(algorithm, parameters)), tlv(OCTET_STRING, key)));
    }

    /** The named-curve OID (encoded) of a SEC1 ECPrivateKey, from its [0] parameters. */
    static byte[] sec1Curve(byte[] sec1) throws IOException {
        int[] at = {0};
        int seqLength = header(sec1, at, SEQUENCE);
        int end = at[0] + seqLength;
        while (at[0] < end) {
            int tag = sec1[at[0]] & 0xff;
            int start = at[0];
            at[0]++;
            int len = length(sec1, at);
            if (tag == CONTEXT_0) {
                int inner = at[0];
                if ((sec1[inner] & 0xff) != OID) {
                    break;
                }
                int[] oidAt = {inner + 1};
                int oidLen = length(sec1, oidAt);
                return java.util.Arrays.copyOfRange(sec1, inner, oidAt[0] + oidLen);
            }
            at[0] += len;
            if (at[0] <= start) {
                break;
            }
        }
        throw new IOException("EC private key without a named curve (explicit curve parameters are not read)");
    }

    private static int header(byte[] b, int[] at, int tag) throws IOException {
        if (at[0] >= b.length || (b[at[0]] & 0xff) != tag) {
            throw new IOException("not the DER structure expected");
        }
        at[0]++;
        return length(b, at);
    }

    private static int length(byte[] b, int[] at) throws IOException {
        if (at[0] >= b.length) {
            throw new IOException("truncated DER");
        }
        int first = b[at[0]++] & 0xff;
        if (first < 0x80) {
            return first;
        }
        int n = first & 0x7f;
        if (n == 0 || n > 3 || at[0] + n > b.length) {
            throw new IOException("bad DER length");
        }
        int len = 0;
        for (int i = 0; i < n; i++) {
            len = len << 8 | (b[at[0]++] & 0xff);
        }
        return len;
    }

    static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}

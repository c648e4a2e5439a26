package io.uraid.core.sb;

import java.security.SecureRandom;
import java.util.HexFormat;

/** md's textual form of 16-byte identities: four groups of 8 hex digits joined by ':'. */
public final class MdUuid {

    private static final SecureRandom RANDOM = new SecureRandom();

    private MdUuid() {
    }

    /** "77e61baf:c0b5d7d0:39cf575b:64d4878c" — bytes in on-disk order, as mdadm prints v1 UUIDs. */
    public static String format(byte[] uuid) {
        if (uuid.length != 16) {
            throw new IllegalArgumentException("uuid must be 16 bytes, got " + uuid.length);
        }
        String hex = HexFormat.of().formatHex(uuid);
        return hex.substring(0, 8) + ':' + hex.substring(8, 16) + ':' + hex.substring(16, 24) + ':' + hex.substring(24);
    }

    /** Parses 32 hex digits, ignoring ':' , '-' and '.' separators (mdadm and blkid spellings). */
    public static byte[] parse(String text) {
        String hex = text.replace(":", "").replace("-", "").replace(".", "");
        if (hex.length() != 32) {
            throw new IllegalArgumentException("not a 128-bit uuid: " + text);
        }
        return HexFormat.of().parseHex(hex);
    }

    /** 16 random bytes, as mdadm's random_uuid (no RFC 4122 version bits: md never sets them). */
    public static byte[] random() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }
}

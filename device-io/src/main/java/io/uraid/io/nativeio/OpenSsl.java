package io.uraid.io.nativeio;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;

/**
 * The calls uraid makes into OpenSSL 3 ({@code libssl.so.3}, {@code libcrypto.so.3}), through
 * jnr-ffi, for TLS done natively on a socket's descriptor. A class of its own next to
 * {@link LinuxNative} rather than inside it because it is a different library with a different
 * fate: libc is always there, libssl may be missing, or of another major version whose ABI this
 * binding does not know, and then uraid falls back to the JDK's TLS ({@link #isAvailable()}
 * false, {@link #unavailabilityCause()} saying why) while every other native call still works.
 *
 * <p>Pointers ({@code SSL_CTX *}, {@code SSL *}, buffers) are passed as {@code long}s, as
 * {@link LinuxNative} passes addresses: no per-call allocation on the read and write path.
 * OpenSSL's objects are not thread-safe; callers serialize the calls on one {@code SSL}.
 */
public final class OpenSsl {
    /**
     * The raw binding. Public only because jnr-ffi implements it from another class loader;
     * callers use the static methods below, never this.
     */
    public interface Lib {
        String OpenSSL_version(int type);

        long TLS_method();

        long SSL_CTX_new(long method);

        void SSL_CTX_free(long ctx);

        long SSL_CTX_ctrl(long ctx, int cmd, long larg, Pointer parg);

        long SSL_CTX_set_options(long ctx, long options);

        int SSL_CTX_set_ciphersuites(long ctx, String suites);

        int SSL_CTX_set_cipher_list(long ctx, String ciphers);

        int SSL_CTX_set_num_tickets(long ctx, long tickets);

        void SSL_CTX_set_default_read_buffer_len(long ctx, long length);

        int SSL_CTX_use_certificate_chain_file(long ctx, String file);

        int SSL_CTX_use_PrivateKey_file(long ctx, String file, int type);

        int SSL_CTX_check_private_key(long ctx);

        int SSL_CTX_load_verify_locations(long ctx, String caFile, String caPath);

        int SSL_CTX_set_default_verify_paths(long ctx);

        void SSL_CTX_set_verify(long ctx, int mode, Pointer callback);

        long SSL_new(long ctx);

        void SSL_free(long ssl);

        void SSL_set_bio(long ssl, long rbio, long wbio);

        long BIO_new_socket(int fd, int closeFlag);

        long BIO_f_buffer();

        long BIO_new(long method);

        long BIO_push(long bio, long next);

        long BIO_ctrl(long bio, int cmd, long larg, Pointer parg);

        long BIO_int_ctrl(long bio, int cmd, long larg, int iarg);

        int BIO_test_flags(long bio, int flags);

        void BIO_free_all(long bio);

        long SSL_ctrl(long ssl, int cmd, long larg, String parg);

        long SSL_get_wbio(long ssl);

        int SSL_set1_host(long ssl, String host);

        int SSL_accept(long ssl);

        int SSL_connect(long ssl);

        int SSL_read(long ssl, long buffer, int length);

        int SSL_write(long ssl, long buffer, int length);

        int SSL_shutdown(long ssl);

        int SSL_get_error(long ssl, int ret);

        long SSL_get_verify_result(long ssl);

        String SSL_get_version(long ssl);

        long SSL_get_current_cipher(long ssl);

        String SSL_CIPHER_get_name(long cipher);

        String X509_verify_cert_error_string(long code);

        long ERR_get_error();

        String ERR_reason_error_string(long code);

        void ERR_clear_error();
    }

    public static final int SSL_FILETYPE_PEM = 1;
    public static final int SSL_VERIFY_NONE = 0;
    public static final int SSL_VERIFY_PEER = 1;
    public static final int SSL_VERIFY_FAIL_IF_NO_PEER_CERT = 2;

    public static final int SSL_ERROR_SSL = 1;
    public static final int SSL_ERROR_WANT_READ = 2;
    public static final int SSL_ERROR_WANT_WRITE = 3;
    public static final int SSL_ERROR_SYSCALL = 5;
    public static final int SSL_ERROR_ZERO_RETURN = 6;

    private static final int SSL_CTRL_MODE = 33;
    private static final int SSL_CTRL_SET_READ_AHEAD = 41;
    private static final int SSL_CTRL_SET_TLSEXT_HOSTNAME = 55;
    private static final int SSL_CTRL_SET_MIN_PROTO_VERSION = 123;
    private static final int TLSEXT_NAMETYPE_HOST_NAME = 0;
    public static final int TLS1_2_VERSION = 0x0303;

    public static final long SSL_MODE_ENABLE_PARTIAL_WRITE = 0x1;
    public static final long SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER = 0x2;
    public static final long SSL_MODE_AUTO_RETRY = 0x4;

    public static final long SSL_OP_IGNORE_UNEXPECTED_EOF = 1L << 7;
    public static final long SSL_OP_NO_TICKET = 1L << 14;
    public static final long SSL_OP_CIPHER_SERVER_PREFERENCE = 1L << 22;
    public static final long SSL_OP_NO_RENEGOTIATION = 1L << 30;

    private static final Lib LIB;
    private static final Throwable LOAD_FAILURE;

    static {
        Lib lib = null;
        Throwable failure = null;
        try {
            if (!LinuxNative.isAvailable()) {
                throw new UnsupportedOperationException("no native calls: " + LinuxNative.unavailabilityCause());
            }
            // The major version in the file name: OpenSSL 3's ABI, not whatever libssl.so points to.
            lib = LibraryLoader.create(Lib.class).failImmediately()
                    .library("libssl.so.3").library("libcrypto.so.3").load();
            String version = lib.OpenSSL_version(0);
            if (version == null || !version.startsWith("OpenSSL 3.")) {
                throw new UnsupportedOperationException("libssl.so.3 is " + version + ", not OpenSSL 3");
            }
        } catch (Throwable t) {
            failure = t;
            lib = null;
        }
        LIB = lib;
        LOAD_FAILURE = failure;
    }

    private OpenSsl() {
    }

    /** True when OpenSSL 3 could be loaded. */
    public static boolean isAvailable() {
        return LIB != null;
    }

    /** Why OpenSSL is unavailable, or null. */
    public static String unavailabilityCause() {
        return LOAD_FAILURE == null ? null : String.valueOf(LOAD_FAILURE.getMessage());
    }

    private static Lib lib() {
        if (LIB == null) {
            throw new UnsupportedOperationException("OpenSSL 3 unavailable: " + unavailabilityCause());
        }
        return LIB;
    }

    /** "OpenSSL 3.0.x ...". */
    public static String version() {
        return lib().OpenSSL_version(0);
    }

    /** A new SSL_CTX for TLS clients and servers, or 0. */
    public static long newContext() {
        return lib().TLS_method() == 0 ? 0 : lib().SSL_CTX_new(lib().TLS_method());
    }

    public static void freeContext(long ctx) {
        lib().SSL_CTX_free(ctx);
    }

    public static void setMode(long ctx, long mode) {
        lib().SSL_CTX_ctrl(ctx, SSL_CTRL_MODE, mode, null);
    }

    public static void setOptions(long ctx, long options) {
        lib().SSL_CTX_set_options(ctx, options);
    }

    /** Records are read as far ahead as the read buffer ({@code length} bytes) holds: fewer system calls. */
    public static void setReadAhead(long ctx, long length) {
        lib().SSL_CTX_ctrl(ctx, SSL_CTRL_SET_READ_AHEAD, 1, null);
        lib().SSL_CTX_set_default_read_buffer_len(ctx, length);
    }

    /** 1 on success. */
    public static int setMinProtocol(long ctx, int version) {
        return (int) lib().SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, version, null);
    }

    /** TLS 1.3 suites ("TLS_AES_128_GCM_SHA256:..."); 1 on success. */
    public static int setCipherSuites(long ctx, String suites) {
        return lib().SSL_CTX_set_ciphersuites(ctx, suites);
    }

    /** TLS 1.2 ciphers (OpenSSL's cipher list syntax); 1 on success. */
    public static int setCipherList(long ctx, String ciphers) {
        return lib().SSL_CTX_set_cipher_list(ctx, ciphers);
    }

    public static void setNumTickets(long ctx, int tickets) {
        lib().SSL_CTX_set_num_tickets(ctx, tickets);
    }

    /** The certificate chain of a PEM file; 1 on success. */
    public static int useCertificateChain(long ctx, String file) {
        return lib().SSL_CTX_use_certificate_chain_file(ctx, file);
    }

    /** The private key of a PEM file; 1 on success. */
    public static int usePrivateKey(long ctx, String file) {
        return lib().SSL_CTX_use_PrivateKey_file(ctx, file, SSL_FILETYPE_PEM);
    }

    /** 1 when the private key goes with the certificate. */
    public static int checkPrivateKey(long ctx) {
        return lib().SSL_CTX_check_private_key(ctx);
    }

    /** Trusts the CA certificates of a PEM file; 1 on success. */
    public static int loadVerifyFile(long ctx, String file) {
        return lib().SSL_CTX_load_verify_locations(ctx, file, null);
    }

    /** Trusts the system's CA certificates; 1 on success. */
    public static int loadDefaultVerifyPaths(long ctx) {
        return lib().SSL_CTX_set_default_verify_paths(ctx);
    }

    public static void setVerify(long ctx, int mode) {
        lib().SSL_CTX_set_verify(ctx, mode, null);
    }

    /** A new connection object, or 0. */
    public static long newSsl(long ctx) {
        return lib().SSL_new(ctx);
    }

    public static void freeSsl(long ssl) {
        lib().SSL_free(ssl);
    }

    private static final int BIO_NOCLOSE = 0;
    private static final int BIO_C_SET_BUFF_SIZE = 117;
    private static final int BIO_CTRL_FLUSH = 11;
    private static final int BIO_FLAGS_SHOULD_RETRY = 8;

    /**
     * Gives {@code ssl} the socket {@code fd} to read from, and to write to through a buffer of
     * {@code writeBuffer} bytes: records are gathered into large writes ({@link #flush}) instead of
     * a system call each. 1 on success (the SSL owns both BIOs then), 0 on failure.
     */
    public static int setSocketWithWriteBuffer(long ssl, int fd, int writeBuffer) {
        Lib l = lib();
        long in = l.BIO_new_socket(fd, BIO_NOCLOSE);
        long out = l.BIO_new_socket(fd, BIO_NOCLOSE);
        long buffer = l.BIO_new(l.BIO_f_buffer());
        if (in == 0 || out == 0 || buffer == 0 || l.BIO_int_ctrl(buffer, BIO_C_SET_BUFF_SIZE, writeBuffer, 1) != 1) {
            for (long b : new long[] {in, out, buffer}) {
                if (b != 0) {
                    l.BIO_free_all(b);
                }
            }
            return 0;
        }
        l.SSL_set_bio(ssl, in, l.BIO_push(buffer, out));
        return 1;
    }

    /**
     * Writes what the SSL's write buffer holds to the socket: 1 when all went, 0 when the socket
     * is full ({@link #shouldRetry}) or failed.
     */
    public static int flush(long ssl) {
        return (int) lib().BIO_ctrl(lib().SSL_get_wbio(ssl), BIO_CTRL_FLUSH, 0, null);
    }

    /** After a {@link #flush} that returned ≤ 0: true when the socket was full (try again when writable). */
    public static boolean shouldRetry(long ssl) {
        return lib().BIO_test_flags(lib().SSL_get_wbio(ssl), BIO_FLAGS_SHOULD_RETRY) != 0;
    }

    /** Server Name Indication (a DNS name, not an address); 1 on success. */
    public static int setServerName(long ssl, String name) {
        return (int) lib().SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_HOST_NAME, name);
    }

    /** The name (or IP address) the peer's certificate must carry; 1 on success. */
    public static int setExpectedHost(long ssl, String host) {
        return lib().SSL_set1_host(ssl, host);
    }

    public static int accept(long ssl) {
        return lib().SSL_accept(ssl);
    }

    public static int connect(long ssl) {
        return lib().SSL_connect(ssl);
    }

    /** SSL_read into native memory: bytes read (> 0), or ≤ 0 for {@link #error}. */
    public static int read(long ssl, long address, int length) {
        return lib().SSL_read(ssl, address, length);
    }

    /** SSL_write from native memory: bytes written (> 0), or ≤ 0 for {@link #error}. */
    public static int write(long ssl, long address, int length) {
        return lib().SSL_write(ssl, address, length);
    }

    public static int shutdown(long ssl) {
        return lib().SSL_shutdown(ssl);
    }

    /** SSL_get_error for the result {@code ret} of the last call on {@code ssl}. */
    public static int error(long ssl, int ret) {
        return lib().SSL_get_error(ssl, ret);
    }

    /** X509_V_OK (0) or the reason the peer's certificate was not accepted. */
    public static long verifyResult(long ssl) {
        return lib().SSL_get_verify_result(ssl);
    }

    public static String verifyResultText(long code) {
        return lib().X509_verify_cert_error_string(code);
    }

    /** "TLSv1.3". */
    public static String protocol(long ssl) {
        return lib().SSL_get_version(ssl);
    }

    /** The cipher suite agreed, in OpenSSL's naming ("TLS_AES_128_GCM_SHA256"). */
    public static String cipher(long ssl) {
        long c = lib().SSL_get_current_cipher(ssl);
        return c == 0 ? null : lib().SSL_CIPHER_get_name(c);
    }

    /**
     * Empties this thread's OpenSSL error queue and returns the reasons it held, oldest first
     * ("certificate verify failed"), or null when it was empty.
     */
    public static String drainErrors() {
        StringBuilder b = null;
        long e;
        while ((e = lib().ERR_get_error()) != 0) {
            String reason = lib().ERR_reason_error_string(e);
            if (b == null) {
                b = new StringBuilder();
            } else {
                b.append("; ");
            }
            b.append(reason != null ? reason : "OpenSSL error 0x" + Long.toHexString(e));
        }
        return b == null ? null : b.toString();
    }

    public static void clearErrors() {
        lib().ERR_clear_error();
    }
}

package io.uraid.io.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * External programs the tests use as oracles or clients (mdadm, fio, the user-mode kernel...).
 * A missing one skips the test that needs it, visibly, naming the package to install; where
 * {@value #REQUIRE_ENV} is set (CI's {@code .ci/run} sets it) a missing one fails the test, so
 * an oracle never drops out of a run unnoticed.
 */
public final class RequiredTools {
    /** Environment variable that turns a missing tool from a skip into a failure. */
    public static final String REQUIRE_ENV = "URAID_REQUIRE_TOOLS";

    private RequiredTools() {
    }

    /** Whether {@code tool} is an executable on PATH or in the usual sbin/bin folders. */
    public static boolean installed(String tool) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns when {@code tool} is installed; otherwise skips the calling test (or, with
     * {@value #REQUIRE_ENV} set, fails it) saying "TOOL is not installed (apt-get install PACKAGE)".
     */
    public static void require(String tool, String aptPackage) {
        if (!installed(tool)) {
            missing(tool + " is not installed (apt-get install " + aptPackage + ")");
        }
    }

    /**
     * Skips the calling test because {@code reason} (something it needs is missing), or fails it
     * where {@value #REQUIRE_ENV} is set.
     */
    public static void missing(String reason) {
        if (System.getenv(REQUIRE_ENV) != null) {
            fail(reason + "; " + REQUIRE_ENV + " is set, so this is a failure, not a skip");
        }
        assumeTrue(false, reason);
    }
}

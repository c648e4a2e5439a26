package io.uraid.cli.deb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A directory that dpkg treats as the root of another system ({@code dpkg --root}): packages are installed
 * and removed there, with their own dpkg database, and nothing of this machine changes. Maintainer scripts
 * run here without chroot, with {@code DPKG_ROOT} set (they must leave this machine alone when it is).
 */
final class ScratchRoot implements AutoCloseable {
    final Path root;

    ScratchRoot(Path root) throws IOException {
        this.root = root;
        Path admin = root.resolve("var/lib/dpkg");
        for (String d : new String[] {"info", "updates", "triggers"}) {
            Files.createDirectories(admin.resolve(d));
        }
        Files.createDirectories(root.resolve("var/log"));
        Files.writeString(admin.resolve("status"), "");
        Files.writeString(admin.resolve("available"), "");
    }

    /** Where the file installed as {@code absolute} (e.g. /usr/sbin/uraid) lies on this machine. */
    Path path(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    /** dpkg on this root. */
    Proc dpkg(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("dpkg", "--root=" + root, "--log=" + path("/var/log/dpkg.log"),
                "--force-script-chrootless"));
        cmd.addAll(List.of(args));
        return Proc.run(300, Map.of(), null, cmd);
    }

    /**
     * dpkg -i. The scratch database knows no Java runtime, so the dependency on one is forced: the Java
     * running this test stands in for it (DebianPackageTest asks apt whether the dependency resolves).
     */
    void install(Path deb) throws IOException, InterruptedException {
        dpkg("--force-depends", "--install", deb.toString()).ok();
    }

    /** dpkg's abbreviated status of {@code pkg} ("ii", "rc"...), or "" when dpkg does not know it. */
    String status(String pkg) throws IOException, InterruptedException {
        Proc p = Proc.run(60, Map.of(), null, List.of("dpkg-query", "--admindir=" + path("/var/lib/dpkg"), "-W",
                "-f=${db:Status-Abbrev}", pkg));
        return p.code() == 0 ? p.out().trim() : "";
    }

    @Override
    public void close() throws IOException {
        PackageBuild.delete(root);
    }
}

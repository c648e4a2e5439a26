package io.uraid.cli.deb;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code mvn package} run on a copy of this checkout, as a user builds the Debian package.
 *
 * <p>The test phase comes before package, so the test builds the package itself, in a nested Maven of the
 * same installation, local repository and offline setting. It works on a copy so that it never writes into
 * the tree whose tests are running. The copy takes along the classes this build has just compiled (with
 * their time stamps) and the nested build compiles only what is stale, so it spends its time on the
 * packaging steps rather than on compiling everything a second time.
 */
final class PackageBuild {
    private PackageBuild() {
    }

    /** Builds the package in {@code work}/src and moves it to {@code work}; returns its path. */
    static Path run(Path work, String version) throws IOException, InterruptedException {
        Path repo = Path.of(System.getProperty("uraid.repo.root", "..")).toAbsolutePath().normalize();
        Path src = work.resolve("src");
        copySources(repo, src);
        List<String> cmd = new ArrayList<>(List.of(mavenCommand(), "-B", "-ntp", "package", "-DskipTests",
                // Stale sources only: not everything again because the dependencies are jars now.
                "-Dmaven.compiler.useIncrementalCompilation=false"));
        String localRepo = System.getProperty("uraid.maven.repo.local", "");
        if (!localRepo.isEmpty()) {
            cmd.add("-Dmaven.repo.local=" + localRepo);
        }
        if (System.getProperty("uraid.maven.offline", "").equals("offline=true")) {
            cmd.add("-o");
        }
        // C1 only: most of this build is JRuby (asciidoctor) warming up, which C2 slows down.
        String mavenOpts = (System.getenv().getOrDefault("MAVEN_OPTS", "") + " -XX:TieredStopAtLevel=1").trim();
        Proc build = Proc.run(900, Map.of("JAVA_HOME", System.getProperty("java.home"), "MAVEN_OPTS", mavenOpts),
                src, cmd);
        Files.writeString(work.resolve("build.log"), build.out());
        build.ok();
        Path built = src.resolve("cli/target/uraid_" + version + "_all.deb");
        if (!Files.isRegularFile(built)) {
            throw new AssertionError("mvn package made no " + built + "; log: " + work.resolve("build.log"));
        }
        Path deb = Files.move(built, work.resolve(built.getFileName()));
        delete(src);
        return deb;
    }

    private static String mavenCommand() {
        String home = System.getProperty("uraid.maven.home", "");
        Path mvn = Path.of(home, "bin", "mvn");
        return !home.isEmpty() && Files.isExecutable(mvn) ? mvn.toString() : "mvn";
    }

    /** Copies the checkout without VCS data and build outputs, except compiled classes (time stamps kept). */
    private static void copySources(Path repo, Path dest) throws IOException {
        Files.walkFileTree(repo, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path rel = repo.relativize(dir);
                if (!wanted(rel, true)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(dest.resolve(rel.toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path rel = repo.relativize(file);
                if (attrs.isRegularFile() && wanted(rel, false)) {
                    Files.copy(file, dest.resolve(rel.toString()), StandardCopyOption.COPY_ATTRIBUTES);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Sources, and below MODULE/target only classes/ and test-classes/. */
    private static boolean wanted(Path rel, boolean directory) {
        int n = rel.getNameCount();
        String first = rel.toString().isEmpty() ? "" : rel.getName(0).toString();
        if (first.equals(".git") || first.equals("target") || first.equals("bench-out") || first.equals(".idea")) {
            return false;
        }
        if (n >= 2 && rel.getName(1).toString().equals("target")) {
            if (n == 2) {
                return directory;
            }
            String kind = rel.getName(2).toString();
            return kind.equals("classes") || kind.equals("test-classes");
        }
        return true;
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}

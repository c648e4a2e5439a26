package io.uraid.cli.deb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.uraid.cli.Main;
import io.uraid.daemon.DaemonConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The Debian package that {@code mvn package} builds: what it holds and declares, what lintian and apt say of
 * it, and a dpkg installation into a scratch root, where the installed uraid runs, man finds its pages,
 * systemd accepts its unit, the daemon runs as the unit starts it, and removal leaves the edited conffile.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DebianPackageTest {
    private static final String CONFFILE = "/etc/uraid/uraid.conf";
    private static final String UNIT = "/lib/systemd/system/uraid.service";

    private String version;
    private Path work;
    private Path deb;
    /** dpkg-deb -x of the package. */
    private Path unpacked;
    /** dpkg-deb -c: path (e.g. /usr/sbin/uraid, directories end in /) to permissions and owner. */
    private final Map<String, String> listing = new LinkedHashMap<>();

    @BeforeAll
    void buildThePackage() throws Exception {
        assumeTrue(Proc.installed("dpkg-deb"), "dpkg-deb is not installed: the Debian package is not checked");
        version = System.getProperty("uraid.version");
        assertNotNull(version, "uraid.version (set by cli/pom.xml)");
        work = Path.of("target", "deb-test").toAbsolutePath();
        PackageBuild.delete(work);
        Files.createDirectories(work);
        long start = System.nanoTime();
        deb = PackageBuild.run(work, version);
        System.out.printf("DebianPackageTest: mvn package took %d s%n", (System.nanoTime() - start) / 1_000_000_000L);
        unpacked = work.resolve("unpacked");
        Proc.ok("dpkg-deb", "-x", deb.toString(), unpacked.toString());
        for (String line : Proc.ok("dpkg-deb", "-c", deb.toString()).split("\n")) {
            String[] f = line.trim().split("\\s+", 6); // perms owner size date time ./path
            listing.put(f[5].substring(1), f[0] + " " + f[1]);
        }
    }

    @AfterAll
    void keepOnlyThePackage() throws IOException {
        if (unpacked != null) {
            PackageBuild.delete(unpacked);
        }
    }

    @Test
    void holdsTheJarItsLibrariesTheLauncherTheUnitTheConfigAndTheDocs() throws Exception {
        Set<String> files = new TreeSet<>();
        for (Map.Entry<String, String> e : listing.entrySet()) {
            assertTrue(e.getValue().endsWith(" root/root"), e.getKey() + " " + e.getValue());
            assertFalse(e.getValue().substring(4, 10).matches(".*w.*"), "group/world-writable: " + e.getKey());
            if (!e.getKey().endsWith("/")) {
                files.add(e.getKey());
            }
        }
        assertEquals("-rwxr-xr-x root/root", listing.get("/usr/sbin/uraid"));
        for (String f : List.of("/usr/share/uraid/uraid.jar", UNIT, CONFFILE,
                "/usr/share/bash-completion/completions/uraid", "/usr/share/doc/uraid/copyright",
                "/usr/share/doc/uraid/changelog.gz")) {
            assertTrue(files.contains(f), f + " missing from " + files);
        }
        // Exactly the jars uraid.jar's manifest puts on its class path, beside it.
        Set<String> classPath = new TreeSet<>();
        try (JarFile jar = new JarFile(unpacked.resolve("usr/share/uraid/uraid.jar").toFile())) {
            for (String entry : jar.getManifest().getMainAttributes().getValue("Class-Path").split(" ")) {
                classPath.add("/usr/share/uraid/" + entry);
            }
        }
        assertEquals(classPath, under(files, "/usr/share/uraid/lib/"));
        // Exactly one man page for uraid and for each of its commands.
        Set<String> pages = new TreeSet<>();
        for (CommandSpec c : commands()) {
            pages.add("/usr/share/man/man8/" + c.qualifiedName("-") + ".8.gz");
        }
        assertEquals(pages, under(files, "/usr/share/man/man8/"));
    }

    @Test
    void theCopyrightFileCoversEveryFileItShips() throws Exception {
        List<Pattern> covered = new ArrayList<>();
        boolean inFiles = false;
        for (String line : Files.readAllLines(unpacked.resolve("usr/share/doc/uraid/copyright"))) {
            inFiles = line.startsWith("Files:") || inFiles && line.startsWith(" ");
            if (inFiles) {
                for (String glob : line.replaceFirst("^Files:", "").trim().split("\\s+")) {
                    covered.add(Pattern.compile(("\\Q" + glob + "\\E").replace("*", "\\E.*\\Q")));
                }
            }
        }
        for (String f : listing.keySet()) {
            String path = f.substring(1);
            assertTrue(f.endsWith("/") || covered.stream().anyMatch(p -> p.matcher(path).matches()),
                    f + " is in no Files: paragraph of dist/deb/copyright: add its copyright and license there");
        }
    }

    @Test
    void declaresAJava17RuntimeAndTheConfigAsConffile() throws Exception {
        Map<String, String> control = new LinkedHashMap<>();
        for (String line : Proc.ok("dpkg-deb", "-f", deb.toString(), "Package", "Version", "Architecture", "Depends")
                .split("\n")) {
            control.put(line.substring(0, line.indexOf(':')), line.substring(line.indexOf(':') + 1).trim());
        }
        assertEquals("uraid", control.get("Package"));
        assertEquals(version, control.get("Version"));
        assertEquals("all", control.get("Architecture"));
        assertEquals("default-jre-headless (>= 2:1.17) | java17-runtime-headless", control.get("Depends"));
        assertEquals(CONFFILE + "\n", Proc.ok("dpkg-deb", "-I", deb.toString(), "conffiles"));
        String changelog;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(
                unpacked.resolve("usr/share/doc/uraid/changelog.gz")))) {
            changelog = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(changelog.startsWith("uraid (" + version + ") "),
                "dist/deb/changelog needs an entry for " + version + " on top:\n" + changelog);
    }

    @Test
    void theExampleConfigIsEmptyAndItsExamplesParseOnceUncommented() throws Exception {
        Path conf = unpacked.resolve(CONFFILE.substring(1));
        assertEquals(0, DaemonConfig.parse(conf).arrays().size(), "the daemon starts with the example as is");
        List<String> uncommented = Files.readAllLines(conf).stream()
                .filter(l -> l.matches("#(ARRAY|DEVICE|PROGRAM) .*")).map(l -> l.substring(1)).toList();
        DaemonConfig examples = DaemonConfig.parse(conf + " (uncommented)", uncommented);
        assertEquals(2, examples.arrays().size(), uncommented.toString());
        assertFalse(examples.devicePatterns().isEmpty(), uncommented.toString());
        assertNotNull(examples.program(), uncommented.toString());
    }

    @Test
    void aptResolvesItsDependenciesOnThisMachine() throws Exception {
        assumeTrue(Proc.installed("apt-get"), "apt-get is not installed");
        String plan = Proc.ok("apt-get", "-s", "-q", "--reinstall", "install", deb.toString());
        assertTrue(plan.contains("Inst uraid "), plan);
    }

    @Test
    void lintianReportsNoErrors() throws Exception {
        assumeTrue(Proc.installed("lintian"), "lintian is not installed");
        Proc lint = Proc.run(600, Map.of(), null, List.of("lintian", "--display-info", "--pedantic", deb.toString()));
        System.out.println("DebianPackageTest: lintian (exit " + lint.code() + "):\n" + lint.out());
        assertFalse(lint.out().lines().anyMatch(l -> l.startsWith("E: ")), lint.toString());
        assertEquals(0, lint.code(), lint.toString());
    }

    @Test
    void manPagesShowEveryCommandAndOptionWithoutTroffWarnings() throws Exception {
        assumeTrue(Proc.installed("man"), "man is not installed");
        Path rendered = Files.createDirectories(work.resolve("man"));
        // All at once: man takes about a second a page, mostly waiting.
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "for n in \"$@\"; do man --warnings -E UTF-8 -P cat"
                + " -l \"$0/$n.8.gz\" >\"$n.txt\" 2>\"$n.warnings\" & done; wait",
                unpacked.resolve("usr/share/man/man8").toString()));
        for (CommandSpec c : commands()) {
            cmd.add(c.qualifiedName("-"));
        }
        Proc.run(300, Map.of("MANWIDTH", "200", "LC_ALL", "C.UTF-8"), rendered, cmd).ok();
        for (CommandSpec c : commands()) {
            String name = c.qualifiedName("-");
            assertEquals("", Files.readString(rendered.resolve(name + ".warnings")), name);
            String text = Files.readString(rendered.resolve(name + ".txt")).replace('\u2010', '-').replace('\u2212', '-');
            assertTrue(text.contains(name + " - "), name + ":\n" + text);
            for (OptionSpec o : c.options()) {
                if (!o.hidden()) {
                    assertTrue(text.contains(o.longestName()), name + " lacks " + o.longestName() + ":\n" + text);
                }
            }
            for (String sub : c.subcommands().keySet()) {
                assertTrue(text.contains(sub), name + " lacks command " + sub);
            }
        }
    }

    @Test
    void bashCompletionCompletesCommandsAndOptions() throws Exception {
        assumeTrue(Proc.installed("bash"), "bash is not installed");
        assertEquals(List.of("create"), complete("uraid", "cr"));
        assertEquals(List.of("--config", "--control"), complete("uraid", "daemon", "--con"));
    }

    /** What the packaged completion offers for the last of {@code words}, as bash does on TAB. */
    private List<String> complete(String... words) throws Exception {
        String script = "source \"$0\"; COMP_WORDS=(" + String.join(" ", words) + "); COMP_CWORD="
                + (words.length - 1) + "; COMP_LINE='" + String.join(" ", words) + "'; COMP_POINT=${#COMP_LINE}; "
                + "_complete_uraid; for r in \"${COMPREPLY[@]}\"; do echo \"reply:$r\"; done";
        String out = Proc.ok("bash", "--norc", "--noprofile", "-c", script,
                unpacked.resolve("usr/share/bash-completion/completions/uraid").toString());
        return out.lines().filter(l -> l.startsWith("reply:")).map(l -> l.substring(6).trim()).sorted().toList();
    }

    @Test
    void installsRunsAndRemovesLikeDpkgDoesInAScratchRoot() throws Exception {
        assumeTrue(Proc.installed("dpkg") && Proc.installed("dpkg-query"), "dpkg is not installed");
        assumeTrue(Proc.ok("id", "-u").trim().equals("0"),
                "not root: dpkg --root installs as root only (CI runs as root)");
        try (ScratchRoot root = new ScratchRoot(work.resolve("root"))) {
            root.install(deb);
            assertEquals("ii", root.status("uraid"));
            Path uraid = root.path("/usr/sbin/uraid");

            String v = Proc.ok(uraid.toString(), "--version");
            assertTrue(v.startsWith("uraid " + version + "\n"), v);
            String demo = Proc.ok(uraid.toString(), "demo", "--dir", root.path("/tmp").toString(),
                    "--member-size", "16M");
            assertEquals(2, demo.lines().filter(l -> l.endsWith(": all bytes match")).count(), demo);

            assertEquals(root.path("/usr/share/man/man8/uraid.8.gz") + "\n",
                    Proc.ok("man", "-M", root.path("/usr/share/man").toString(), "-w", "uraid"));
            systemdAcceptsTheUnit(root);
            InstalledDaemon.runAsTheUnitStartsIt(root, work);

            // The administrator's edit of the conffile survives a reinstallation...
            root.install(deb);
            assertTrue(Files.readString(root.path(CONFFILE)).contains(InstalledDaemon.ARRAY_LINE));
            // ... and a removal, which takes every other file...
            root.dpkg("--remove", "uraid").ok();
            assertEquals("rc", root.status("uraid"));
            for (String f : listing.keySet()) {
                if (!f.endsWith("/") && !f.equals(CONFFILE)) {
                    assertFalse(Files.exists(root.path(f)), f + " left after dpkg --remove");
                }
            }
            assertTrue(Files.readString(root.path(CONFFILE)).contains(InstalledDaemon.ARRAY_LINE));
            // ... but not a purge.
            root.dpkg("--purge", "uraid").ok();
            assertFalse(Files.exists(root.path("/etc/uraid")), "/etc/uraid left after dpkg --purge");
            String purged = root.status("uraid");
            assertTrue(purged.isEmpty() || purged.endsWith("n"), "status after purge: " + purged);
        }
    }

    /** systemd-analyze verify (when installed) on the installed unit, with this machine's units beside it. */
    private void systemdAcceptsTheUnit(ScratchRoot root) throws Exception {
        if (!Proc.installed("systemd-analyze")) {
            System.out.println("DebianPackageTest: systemd-analyze not installed, unit not verified");
            return;
        }
        Path system = Path.of("/usr/lib/systemd/system");
        if (!Files.isDirectory(system)) {
            system = Path.of("/lib/systemd/system");
        }
        // The units uraid.service depends on (sysinit.target...), where systemd-analyze --root looks for them.
        Path units = Files.createDirectories(root.path("/usr/lib/systemd/system"));
        Proc.ok("cp", "-a", system + "/.", units.toString());
        // Documentation=man:... is checked with man: it must find the installed pages.
        Proc verify = Proc.run(120, Map.of("MANPATH", root.path("/usr/share/man").toString()), null,
                List.of("systemd-analyze", "verify", "--root=" + root.root, root.path(UNIT).toString()));
        assertEquals(0, verify.code(), verify.toString());
        assertFalse(verify.out().contains("uraid"), verify.toString());
    }

    private static Set<String> under(Set<String> files, String dir) {
        Set<String> r = new TreeSet<>();
        for (String f : files) {
            if (f.startsWith(dir)) {
                r.add(f);
            }
        }
        return r;
    }

    /** uraid and every command below it that --help shows, from the picocli model. */
    private static List<CommandSpec> commands() {
        List<CommandSpec> all = new ArrayList<>();
        collect(Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .getCommandSpec(), all);
        return all;
    }

    private static void collect(CommandSpec spec, List<CommandSpec> all) {
        if (spec.usageMessage().hidden() || all.contains(spec)) {
            return;
        }
        all.add(spec);
        for (CommandLine sub : spec.subcommands().values()) {
            collect(sub.getCommandSpec(), all);
        }
    }
}

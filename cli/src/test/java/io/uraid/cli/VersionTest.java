package io.uraid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** `--version` answers the same on the top command and on every subcommand that offers it. */
class VersionTest {

    @Test
    void everySubcommandThatOffersVersionPrintsTheToolsVersion() {
        Cli top = Cli.run("--version");
        assertEquals(0, top.code, top.toString());
        assertTrue(top.out.startsWith("uraid "), top.out);
        var cl = Main.commandLine(new java.io.PrintWriter(java.io.Writer.nullWriter()),
                new java.io.PrintWriter(java.io.Writer.nullWriter()));
        int checked = 0;
        for (String name : cl.getSubcommands().keySet()) {
            var spec = cl.getSubcommands().get(name).getCommandSpec();
            if (spec.optionsMap().containsKey("--version")) {
                Cli sub = Cli.run(name, "--version");
                assertEquals(0, sub.code, name + ": " + sub);
                assertEquals(top.out, sub.out, name + " --version");
                checked++;
            }
        }
        assertTrue(checked > 10, "subcommands with --version: " + checked);
    }
}

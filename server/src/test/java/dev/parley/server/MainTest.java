package dev.parley.server;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MainTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine commandLine = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryOptionWithItsDefaultAndVariable() {
        Run help = run("--help");
        assertThat(help.exitCode()).isZero();
        String text = help.out().replaceAll("\\s+", " ");
        for (String option : List.of("--host", "--port", "--transport", "--heartbeat-ms", "--idle-timeout-ms",
                "--hello-timeout-ms", "--max-frame-bytes", "--max-text-chars", "--max-rooms", "--rate-per-sec",
                "--burst", "--history-size", "--history-on-join", "--max-outbound-bytes", "--shutdown-grace-ms",
                "--allowed-origins", "--compression", "--io-threads", "--presence-limit")) {
            assertThat(text).contains(option);
        }
        assertThat(text).contains("Default: 8080", "PARLEY_PORT", "Default: 25000", "Default: 1048576");
    }

    @Test
    void badValuesExitWith2AndOneLine() {
        for (String[] args : List.of(new String[] {"--port", "eighty"}, new String[] {"--port", "70000"},
                new String[] {"--burst", "0"}, new String[] {"--presence-limit", "0"}, new String[] {"--transport", "carrier-pigeon"},
                new String[] {"--no-such-option"})) {
            Run run = run(args);
            assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(run.err().strip()).as(String.join(" ", args)).doesNotContain("\n").startsWith("parley-server: ");
        }
    }

    @Test
    void versionNamesTheServer() {
        assertThat(run("--version").out()).startsWith("parley-server ");
    }
}

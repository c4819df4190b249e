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
                "--allowed-origins", "--compression", "--io-threads", "--presence-limit", "--handshake-timeout-ms",
                "--jwt-hmac-secret", "--jwt-public-key", "--jwt-jwks", "--jwt-issuer", "--jwt-audience", "--tls-cert",
                "--tls-key", "--max-connections-per-address", "--connections-per-sec-per-address", "--trust-proxy",
                "--api-key")) {
            assertThat(text).contains(option);
        }
        assertThat(text).contains("Default: 8080", "PARLEY_PORT", "Default: 25000", "Default: 1048576",
                "PARLEY_JWT_HMAC_SECRET", "PARLEY_TRUST_PROXY", "PARLEY_API_KEY", "PARLEY_TLS_CERT");
    }

    @Test
    void badValuesExitWith2AndOneLine() {
        for (String[] args : List.of(new String[] {"--port", "eighty"}, new String[] {"--port", "70000"},
                new String[] {"--burst", "0"}, new String[] {"--presence-limit", "0"}, new String[] {"--transport", "carrier-pigeon"},
                new String[] {"--no-such-option"}, new String[] {"--trust-proxy", "10.0.0.0/33"},
                new String[] {"--trust-proxy", "proxy.example.com"}, new String[] {"--api-key", "short"},
                new String[] {"--jwt-hmac-secret", "too-short"}, new String[] {"--tls-cert", "cert.pem"},
                new String[] {"--max-connections-per-address", "-1"})) {
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

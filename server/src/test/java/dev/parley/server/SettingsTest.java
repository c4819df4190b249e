package dev.parley.server;

import dev.parley.server.config.Settings;
import dev.parley.server.config.Setting;
import dev.parley.server.config.HookConfig;
import dev.parley.server.config.SecurityConfig;
import dev.parley.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Each setting is declared once, as a {@link Setting} on a record component: its option, variable,
 * default and help text all follow from that declaration, checked here for every option there is.
 */
class SettingsTest {

    private static List<OptionSpec> settings() {
        return Main.commandLine(name -> null).getCommandSpec().options().stream().filter(Settings::isSetting).toList();
    }

    private static ServerConfig configFrom(Map<String, String> env) {
        CommandLine commandLine = Main.commandLine(env::get);
        commandLine.parseArgs();
        return ((Main) commandLine.getCommand()).config();
    }

    /** A valid value other than the option's default, as its environment variable would hold it. */
    private static String otherThanDefault(OptionSpec option) {
        Class<?> type = option.type();
        if (type == int.class || type == long.class) {
            return String.valueOf(Long.parseLong(option.defaultValue()) + 1);
        } else if (type == boolean.class) {
            return String.valueOf(!Boolean.parseBoolean(option.defaultValue()));
        } else if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            return constants[constants.length - 1].toString().toLowerCase(Locale.ROOT);
        } else if (option.longestName().equals("--webhook-events")) {
            return "message.created";
        } else if (type == List.class) {
            return "10.0.0.0/8";
        } else if (type == Path.class) {
            return "keys/parley.pem";
        } else if (option.longestName().endsWith("-hook-url") || option.longestName().equals("--webhook-url")
                || option.longestName().equals("--jwt-jwks-url")) {
            return "https://backend.example.com/parley";
        } else if (option.longestName().equals("--hook-secret")) {
            return "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        } else if (option.longestName().equals("--database-url")) {
            return "postgresql://chat:secret@db.example.com:5433/parley?sslmode=require";
        }
        // A Redis URI, an HMAC secret of 32 bytes, an API key, a host and a claim all at once.
        return "redis://cache.example.com:6380/1#" + "k".repeat(32);
    }

    @Test
    void everyVariableIsPARLEYAndTheOptionsNameAndTheDescriptionSaysSo() {
        List<OptionSpec> settings = settings();
        assertThat(settings).hasSizeGreaterThanOrEqualTo(39);
        for (OptionSpec option : settings) {
            String variable = "PARLEY_" + option.longestName().substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
            assertThat(Settings.variable(option)).isEqualTo(variable);
            assertThat(String.join(" ", option.description())).as(option.longestName()).contains("(" + variable + ")");
        }
    }

    @Test
    void withoutAnEnvironmentEverySettingIsItsDeclaredDefaultAsInTheBuilder() {
        ServerConfig config = configFrom(Map.of());
        assertThat(Settings.arguments(config))
                .containsExactlyElementsOf(settings().stream().map(o -> o.longestName() + "=" + o.defaultValue()).toList());
        assertThat(config).isEqualTo(ServerConfig.builder().build());
    }

    @Test
    void everyVariableSetsItsSetting() {
        Map<String, String> env = new HashMap<>();
        settings().forEach(option -> env.put(Settings.variable(option), otherThanDefault(option)));
        ServerConfig config = configFrom(env);
        assertThat(Settings.arguments(config)).containsExactlyElementsOf(settings().stream()
                .map(o -> o.longestName() + "=" + otherThanDefault(o)).toList());
        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void aBadVariableExitsWith2AndOneLine() {
        for (Map<String, String> env : List.of(Map.of("PARLEY_PORT", "eighty"), Map.of("PARLEY_MAX_ROOMS", "0"),
                Map.of("PARLEY_TRANSPORT", "carrier-pigeon"), Map.of("PARLEY_API_KEY", "short"))) {
            CommandLine commandLine = Main.commandLine(env::get);
            StringWriter err = new StringWriter();
            commandLine.setErr(new PrintWriter(err));
            assertThat(commandLine.execute()).as(env.toString()).isEqualTo(2);
            assertThat(err.toString().strip()).as(env.toString()).startsWith("parley-server: ").endsWith(" (see --help)")
                    .doesNotContain("\n");
        }
    }

    @Test
    void helpListsEveryVisibleSettingWithItsVariableAndShowsTheDefaultFromTheEnvironment() {
        CommandLine commandLine = Main.commandLine(Map.of("PARLEY_PORT", "9090")::get);
        String help = commandLine.getUsageMessage().replaceAll("\\s+", " ");
        for (OptionSpec option : settings()) {
            assertThat(help.contains(option.longestName() + "=")).as(option.longestName()).isEqualTo(!option.hidden());
            assertThat(help.contains("(" + Settings.variable(option) + ")")).isEqualTo(!option.hidden());
        }
        assertThat(help).contains("(PARLEY_PORT). Default: 9090");
    }

    @Test
    void readmesTableListsEveryVisibleSettingWithItsVariableAndDefault() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (OptionSpec option : settings()) {
            Matcher row = Pattern.compile("\\| `" + Pattern.quote(option.longestName()) + "` \\| `([A-Z0-9_]+)` \\| ([^|]+) \\|")
                    .matcher(readme);
            assertThat(row.find()).as(option.longestName()).isEqualTo(!option.hidden());
            if (!option.hidden()) {
                assertThat(row.group(1)).isEqualTo(Settings.variable(option));
                assertThat(row.group(2)).as(option.longestName()).startsWith(option.defaultValue().isEmpty()
                        ? "" : "`" + option.defaultValue() + "`").containsAnyOf("`", "any", "none");
            }
        }
    }

    @Test
    void codeBuildsAConfigWithTheOptionsNames() {
        ServerConfig config = ServerConfig.builder().with("--port", 0).with("--port", 1).with("--transport", "NIO")
                .with("--trust-proxy", List.of("10.0.0.0/8", "127.0.0.1")).with("--tls-cert", Path.of("c.pem"))
                .with("--tls-key", Path.of("k.pem")).with("--allowed-origins", List.of()).build();
        assertThat(config.port()).as("the later one wins").isEqualTo(1);
        assertThat(config.transport()).isEqualTo(ServerConfig.TransportType.NIO);
        assertThat(config.security().trustedProxies()).containsExactly("10.0.0.0/8", "127.0.0.1");
        assertThat(config.security().tlsCert()).isEqualTo(Path.of("c.pem"));
        assertThat(config.allowedOrigins()).isEmpty();
        ServerConfig blank = ServerConfig.builder().with("--host", "").with("--api-key", " ").build();
        assertThat(blank.host()).as("blank is none only where the default is none").isEmpty();
        assertThat(blank.security().apiKey()).isNull();
        assertThat(config.toBuilder().with("--tls-cert", null).with("--tls-key", null).build().security().tlsEnabled())
                .isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> ServerConfig.builder().with("--no-such-option", 1).build())
                .withMessageContaining("--no-such-option");
        assertThatIllegalArgumentException().isThrownBy(() -> ServerConfig.builder().with("--port", "eighty").build())
                .withMessageContaining("'eighty' is not an int");
        assertThatIllegalArgumentException().isThrownBy(() -> ServerConfig.builder().with("--close-timeout-ms", 0).build())
                .withMessage("closeTimeoutMs must be at least 1, not 0");
        assertThat(Arrays.stream(ServerConfig.class.getRecordComponents()).filter(c -> c.getType() != SecurityConfig.class && c.getType() != HookConfig.class)
                .allMatch(c -> c.isAnnotationPresent(Setting.class))).as("every component but the nested groups is a setting")
                .isTrue();
    }
}

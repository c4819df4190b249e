package dev.parley.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Self-signed certificates made by the {@code openssl} command for TLS tests. */
final class TestCertificates {
    private TestCertificates() {
    }

    /** Skips the test when there is no {@code openssl} command. */
    static void assumeOpenssl() {
        assumeThat(Path.of("/usr/bin/openssl")).as("needs the openssl command (apt-get install openssl)").exists();
    }

    /** Writes a self-signed EC certificate for 127.0.0.1 with common name {@code name}, and its PKCS#8 key. */
    static void make(String name, Path certFile, Path keyFile) throws IOException, InterruptedException {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=" + name,
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", keyFile.toString(), "-out", certFile.toString())
                .redirectErrorStream(true).start();
        String output = new String(openssl.getInputStream().readAllBytes());
        if (!openssl.waitFor(30, TimeUnit.SECONDS)) {
            openssl.destroyForcibly();
        }
        assertThat(openssl.exitValue()).as(output).isZero();
    }
}

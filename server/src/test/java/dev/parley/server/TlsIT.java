package dev.parley.server;

import io.netty.handler.ssl.OpenSsl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * TLS on the one port, with certificates this test makes with the {@code openssl} command: https
 * and wss, the native provider where it loads, and certificate reloads (explicit, as on SIGHUP,
 * and on a file change) that new connections see while open sessions carry on.
 */
class TlsIT {
    @TempDir
    Path dir;
    private Path cert;
    private Path key;
    private ParleyServer server;

    @BeforeEach
    void start() throws Exception {
        TestCertificates.assumeOpenssl();
        cert = dir.resolve("cert.pem");
        key = dir.resolve("key.pem");
        TestCertificates.make("first", cert, key);
        server = TestServers.start(c -> c.with("--handshake-timeout-ms", 2_000).with("--tls-cert", cert)
                .with("--tls-key", key));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A fresh client (no pooled connection) that trusts any certificate and remembers the one it was shown. */
    private static HttpClient client(AtomicReference<X509Certificate> seen) throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                seen.set(chain[0]);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The common name of the certificate a new connection is shown. */
    private String presentedName() throws Exception {
        AtomicReference<X509Certificate> seen = new AtomicReference<>();
        HttpResponse<String> health = client(seen).send(HttpRequest.newBuilder(server.httpUri().resolve("/healthz"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        return seen.get().getSubjectX500Principal().getName();
    }

    /** A WebSocket that queues every text message. */
    private static final class Inbox implements WebSocket.Listener {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            messages.add(data.toString());
            webSocket.request(1);
            return null;
        }

        String next() throws InterruptedException {
            String message = messages.poll(10, TimeUnit.SECONDS);
            assertThat(message).as("a message within 10 s").isNotNull();
            return message;
        }
    }

    @Test
    void servesHttpsAndWssOnOnePortWithTheNativeProviderWhereItLoads() throws Exception {
        assertThat(server.httpUri().getScheme()).isEqualTo("https");
        assertThat(server.webSocketUri().getScheme()).isEqualTo("wss");
        assertThat(presentedName()).isEqualTo("CN=first");
        if (System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64")) {
            assertThat(OpenSsl.isAvailable()).as("netty-tcnative-boringssl-static loads on linux-x86_64").isTrue();
        }
        Inbox inbox = new Inbox();
        WebSocket ws = client(new AtomicReference<>()).newWebSocketBuilder()
                .buildAsync(server.webSocketUri(), inbox).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"hello\",\"nick\":\"secure\"}", true);
        assertThat(inbox.next()).contains("\"welcome\"");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    }

    @Test
    void plainHttpOnTheTlsPortGetsNoAnswer() throws Exception {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI http = URI.create("http://127.0.0.1:" + server.address().getPort() + "/healthz");
        CompletableFuture<HttpResponse<String>> response = plain.sendAsync(HttpRequest.newBuilder(http)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(15)).until(response::isDone);
        assertThat(response).isCompletedExceptionally();
    }

    @Test
    void reloadsTheCertificateOnRequestAndOnFileChangeWithoutDroppingSessions() throws Exception {
        Inbox inbox = new Inbox();
        WebSocket ws = client(new AtomicReference<>()).newWebSocketBuilder()
                .buildAsync(server.webSocketUri(), inbox).get(10, TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"hello\",\"nick\":\"stays\"}", true);
        assertThat(inbox.next()).contains("\"welcome\"");

        Path newCert = dir.resolve("second-cert.pem");
        Path newKey = dir.resolve("second-key.pem");
        TestCertificates.make("second", newCert, newKey);
        Files.copy(newKey, key, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(newCert, cert, StandardCopyOption.REPLACE_EXISTING);
        assertThat(server.reload()).isTrue();
        assertThat(presentedName()).isEqualTo("CN=second");

        TestCertificates.make("third", newCert, newKey);
        Files.copy(newKey, key, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(newCert, cert, StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(cert, FileTime.from(Instant.now().plusSeconds(5)));
        await().atMost(Duration.ofSeconds(15)).until(() -> presentedName().equals("CN=third"));

        Files.writeString(cert, "not a certificate");
        Files.setLastModifiedTime(cert, FileTime.from(Instant.now().plusSeconds(10)));
        assertThat(server.reload()).as("a broken file keeps the current certificate").isFalse();
        assertThat(presentedName()).isEqualTo("CN=third");

        ws.sendText("{\"type\":\"ping\",\"id\":1}", true);
        assertThat(inbox.next()).as("the session from before the reloads carries on").contains("\"pong\"");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
    }
}

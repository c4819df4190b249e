package dev.parley.server;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;

/**
 * {@code java -cp parley-server.jar dev.parley.server.HealthCheck}: exits 0 when the server on
 * this host answers {@code /healthz} with 200, 1 otherwise. The container image's HEALTHCHECK,
 * since the JRE is the one tool every image of ours has. Port: {@code PARLEY_PORT}, default 8080.
 */
public final class HealthCheck {
    private static final int TIMEOUT_MS = 2_000;

    private HealthCheck() {
    }

    public static void main(String[] args) {
        String port = System.getenv().getOrDefault("PARLEY_PORT", "8080");
        System.exit(healthy(URI.create("http://127.0.0.1:" + port + "/healthz")) ? 0 : 1);
    }

    static boolean healthy(URI uri) {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setConnectTimeout(TIMEOUT_MS);
            connection.setReadTimeout(TIMEOUT_MS);
            try {
                return connection.getResponseCode() == HttpURLConnection.HTTP_OK;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }
}

package dev.parley.server.transport;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Objects;

/**
 * The server's TLS certificate and key, from PEM files, with OpenSSL (BoringSSL from
 * netty-tcnative) where it loads and the JDK's provider otherwise. {@link #reload()} reads the
 * files again and swaps the context: connections accepted afterwards use the new certificate,
 * established ones carry on with the one they negotiated. A reload that fails keeps the old one.
 * Thread-safe.
 */
public final class TlsContext {
    private static final Logger LOG = LoggerFactory.getLogger(TlsContext.class);

    private final Path cert;
    private final Path key;
    private volatile SslContext context;
    private volatile List<FileTime> loadedVersion;

    private TlsContext(Path cert, Path key) {
        this.cert = cert;
        this.key = key;
    }

    /** Loads the certificate chain and the PKCS#8 key; fails when either cannot be used. */
    public static TlsContext load(Path cert, Path key) throws IOException {
        TlsContext tls = new TlsContext(cert, key);
        tls.context = tls.build();
        return tls;
    }

    private SslContext build() throws IOException {
        List<FileTime> version = version();
        SslContext built = SslContextBuilder.forServer(cert.toFile(), key.toFile())
                .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                .applicationProtocolConfig(ApplicationProtocolConfig.DISABLED)
                .build();
        loadedVersion = version;
        return built;
    }

    private List<FileTime> version() throws IOException {
        return List.of(Files.getLastModifiedTime(cert), Files.getLastModifiedTime(key));
    }

    /** A handler for a new connection, with the current certificate. */
    SslHandler newHandler(ByteBufAllocator alloc) {
        return context.newHandler(alloc);
    }

    /** Which provider serves TLS: {@code OpenSSL} or {@code JDK}. */
    public String provider() {
        return OpenSsl.isAvailable() ? "OpenSSL" : "JDK";
    }

    /** Reads the files again; returns whether the new certificate is in use. Blocks on file I/O. */
    public boolean reload() {
        try {
            context = build();
            LOG.info("TLS certificate reloaded from {}", cert);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            LOG.error("TLS certificate reload from {} and {} failed, keeping the current one: {}", cert, key, e.toString());
            return false;
        }
    }

    /** Reloads when either file changed since it was last read. Blocks on file I/O. */
    public void reloadIfChanged() {
        try {
            if (!Objects.equals(version(), loadedVersion)) {
                reload();
            }
        } catch (IOException e) {
            LOG.warn("cannot check TLS files {} and {}: {}", cert, key, e.toString());
        }
    }
}

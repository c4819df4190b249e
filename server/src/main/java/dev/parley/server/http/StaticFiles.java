package dev.parley.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The browser client's files and the JavaScript client library ({@code parley.js} and the modules
 * it imports from {@code parley/}, copied in from {@code client-js/} by the build), read once from
 * the classpath folder {@code web/} at start-up so that serving them never touches the disk from an
 * event loop.
 */
public final class StaticFiles {
    private static final String ROOT = "web/";
    private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("ts", "application/typescript; charset=utf-8"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("woff2", "font/woff2"));

    /** One file: its bytes, content type and strong ETag. */
    public record File(byte[] content, String contentType, String etag) {
    }

    private final Map<String, File> files;

    private StaticFiles(Map<String, File> files) {
        this.files = Map.copyOf(files);
    }

    /** Reads every file under {@code web/} on the class path of {@code loader}. */
    public static StaticFiles load(ClassLoader loader) {
        Map<String, File> files = new HashMap<>();
        try {
            Enumeration<URL> roots = loader.getResources(ROOT);
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                if ("jar".equals(root.getProtocol())) {
                    readJar(root, files);
                } else {
                    readDirectory(Path.of(root.toURI()), files);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return new StaticFiles(files);
    }

    private static void readJar(URL root, Map<String, File> files) throws IOException {
        JarURLConnection connection = (JarURLConnection) root.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile()) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (!entry.isDirectory() && entry.getName().startsWith(ROOT)) {
                    try (InputStream in = jar.getInputStream(entry)) {
                        files.putIfAbsent(entry.getName().substring(ROOT.length()), file(entry.getName(), in.readAllBytes()));
                    }
                }
            }
        }
    }

    private static void readDirectory(Path root, Map<String, File> files) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                String name = root.relativize(path).toString().replace('\\', '/');
                files.putIfAbsent(name, file(name, Files.readAllBytes(path)));
            }
        }
    }

    private static File file(String name, byte[] content) {
        String extension = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        String type = CONTENT_TYPES.getOrDefault(extension, "application/octet-stream");
        return new File(content, type, '"' + digest(content) + '"');
    }

    private static String digest(byte[] content) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(content);
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The file at a request path such as {@code /app.js}; {@code /} and paths ending in {@code /}
     * mean their {@code index.html}. Null when there is none, and for any path that tries to climb.
     */
    public File lookup(String requestPath) {
        if (!requestPath.startsWith("/") || requestPath.contains("..") || requestPath.contains("\\")
                || requestPath.contains("//") || requestPath.indexOf('\0') >= 0) {
            return null;
        }
        String name = requestPath.substring(1);
        return files.get(name.isEmpty() || name.endsWith("/") ? name + "index.html" : name);
    }
}

package dev.parley.server.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where the database is, from {@code postgresql://user:password@host:port/db?sslmode=...} (also
 * {@code postgres://}) or {@code jdbc:postgresql://host:port/db?user=...&password=...}, with one host
 * or several ({@code host1:port1,host2:port2}, which pgjdbc tries in turn, with
 * {@code targetServerType=primary} for the one that takes writes): the JDBC URL
 * without credentials, and the user and password apart. No message and no {@link #toString()}
 * repeats the password.
 *
 * @param jdbcUrl  {@code jdbc:postgresql://host:port/db?...} without credentials (taken out of the
 *                 authority and of the query), the rest of the query kept (sslmode and the like), so
 *                 that a library that logs the URL logs no password
 * @param user     null when the URL names none (the driver then uses the OS user)
 * @param password null when the URL names none
 */
public record DatabaseUrl(String jdbcUrl, String user, String password) {
    private static final String JDBC_PREFIX = "jdbc:";
    /** Several hosts, {@code host:port,host:port}, for a failover (which java.net.URI does not parse as a host). */
    private static final String HOST = "[A-Za-z0-9.-]+(:[0-9]{1,5})?";
    private static final Pattern HOSTS = Pattern.compile(HOST + "(," + HOST + ")+");

    /** Parses {@code url}; a URL of another form throws IllegalArgumentException that does not repeat it. */
    public static DatabaseUrl parse(String url) {
        boolean jdbc = url.startsWith(JDBC_PREFIX);
        String plain = jdbc ? url.substring(JDBC_PREFIX.length()) : url;
        URI uri;
        try {
            uri = new URI(plain);
        } catch (URISyntaxException e) {
            throw invalid();
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("postgresql") || scheme.equals("postgres") && !jdbc)
                || uri.getRawAuthority() == null) {
            throw invalid();
        }
        String user = null;
        String password = null;
        String authority = uri.getRawAuthority();
        // Several hosts make it a registry-based authority, for which URI finds no user information.
        String userInfo = authority.contains("@") ? authority.substring(0, authority.lastIndexOf('@')) : null;
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        }
        List<String> parameters = new ArrayList<>();
        for (String parameter : uri.getRawQuery() == null ? new String[0] : uri.getRawQuery().split("&")) {
            if (parameter.startsWith("user=")) {
                user = decode(parameter.substring("user=".length()));
            } else if (parameter.startsWith("password=")) {
                password = decode(parameter.substring("password=".length()));
            } else if (!parameter.isEmpty()) {
                parameters.add(parameter);
            }
        }
        String host = authority.substring(userInfo == null ? 0 : userInfo.length() + 1);
        if (uri.getHost() == null && !HOSTS.matcher(host).matches()) {
            throw invalid();
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String query = parameters.isEmpty() ? "" : "?" + String.join("&", parameters);
        return new DatabaseUrl("jdbc:postgresql://" + host + path + query, user, password);
    }

    private static String decode(String part) {
        return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException invalid() {
        // The value is not repeated: it may hold a password.
        return new IllegalArgumentException("databaseUrl must be postgresql://[user[:password]@]host[:port]/database[?...] "
                + "or jdbc:postgresql://...");
    }

    /** The URL for messages: {@code postgresql://user@host:port/db}, without password or query. */
    public String display() {
        String rest = jdbcUrl.substring("jdbc:postgresql://".length());
        int query = rest.indexOf('?');
        return "postgresql://" + (user == null ? "" : user + "@") + (query < 0 ? rest : rest.substring(0, query));
    }

    @Override
    public String toString() {
        return display();
    }
}

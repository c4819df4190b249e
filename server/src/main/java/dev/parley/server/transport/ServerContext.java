package dev.parley.server.transport;

import dev.parley.server.config.ServerConfig;
import dev.parley.server.auth.Authenticator;
import dev.parley.server.limits.AddressLimiter;
import dev.parley.server.limits.ClientAddresses;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.node.Node;
import dev.parley.server.session.SessionSettings;
import io.netty.channel.group.ChannelGroup;

import java.util.function.BooleanSupplier;

/**
 * What the pipeline's handlers share: the configuration, the node, the metrics, every open
 * connection (for a graceful stop), whether the server is stopping (closing its sessions),
 * whether it has readied itself for load ({@code prepared}: the hooks' connections open, the
 * message path warmed), whether what it depends on can be reached, whether it is draining (a stop has begun: no new
 * sessions wanted while the drain delay runs); and for security, who sessions are
 * ({@code authenticator}), the TLS context ({@code tls}, null for plain TCP), how client addresses
 * are found and how many connections each may open.
 */
public record ServerContext(ServerConfig config, Node node, ServerMetrics metrics, SessionSettings sessionSettings,
                            ChannelGroup connections, BooleanSupplier stopping, BooleanSupplier prepared,
                            BooleanSupplier reachable,
                            BooleanSupplier draining, Authenticator authenticator, TlsContext tls,
                            ClientAddresses clientAddresses, AddressLimiter addressLimiter) {

    /** The user event a graceful stop fires on every connection's pipeline. */
    public static final Object STOPPING = "parley.stopping";
}

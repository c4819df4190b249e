package dev.parley.server.transport;

import dev.parley.server.ServerConfig;
import dev.parley.server.hub.Hub;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.session.SessionSettings;
import io.netty.channel.group.ChannelGroup;

import java.util.function.BooleanSupplier;

/**
 * What the pipeline's handlers share: the configuration, the hub, the metrics, every open
 * connection (for a graceful stop), whether the server is stopping (closing its sessions),
 * whether what it depends on can be reached, and whether it is draining (a stop has begun: no new
 * sessions wanted while the drain delay runs).
 */
public record ServerContext(ServerConfig config, Hub hub, ServerMetrics metrics, SessionSettings sessionSettings,
                            ChannelGroup connections, BooleanSupplier stopping, BooleanSupplier reachable,
                            BooleanSupplier draining) {

    /** The user event a graceful stop fires on every connection's pipeline. */
    public static final Object STOPPING = "parley.stopping";
}

package dev.parley.server.transport;

import dev.parley.server.ServerConfig;
import dev.parley.server.hub.Hub;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.session.SessionSettings;
import io.netty.channel.group.ChannelGroup;

import java.util.function.BooleanSupplier;

/**
 * What the pipeline's handlers share: the configuration, the hub, the metrics, every open
 * connection (for a graceful stop), whether the server is stopping, and whether what it depends
 * on can be reached.
 */
public record ServerContext(ServerConfig config, Hub hub, ServerMetrics metrics, SessionSettings sessionSettings,
                            ChannelGroup connections, BooleanSupplier stopping, BooleanSupplier reachable) {

    /** The user event a graceful stop fires on every connection's pipeline. */
    public static final Object STOPPING = "parley.stopping";
}

package dev.parley.server.transport;

import dev.parley.server.ServerConfig;
import dev.parley.server.hub.Hub;
import dev.parley.server.metrics.ServerMetrics;
import dev.parley.server.session.SessionSettings;
import io.netty.channel.group.ChannelGroup;

/**
 * What the pipeline's handlers share: the configuration, the hub, the metrics, and the groups a
 * graceful stop closes: every connection, and the upgraded ones it closes with 1001.
 */
public record ServerContext(ServerConfig config, Hub hub, ServerMetrics metrics, SessionSettings sessionSettings,
                            ChannelGroup connections, ChannelGroup webSockets) {
}

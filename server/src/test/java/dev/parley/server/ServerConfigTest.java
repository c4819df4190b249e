package dev.parley.server;

import dev.parley.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ServerConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        ServerConfig config = ServerConfig.builder().build();
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.heartbeatMs()).isEqualTo(25_000);
        assertThat(config.idleTimeoutMs()).isEqualTo(60_000);
        assertThat(config.helloTimeoutMs()).isEqualTo(10_000);
        assertThat(config.handshakeTimeoutMs()).isEqualTo(10_000);
        assertThat(config.closeTimeoutMs()).isEqualTo(5_000);
        assertThat(config.limits()).as("without auth a nick has one session")
                .isEqualTo(new dev.parley.protocol.Limits(65536, 4000, 50, 20, 40, 1000, 1000, 1));
        assertThat(config.maxSessionsPerUser()).isEqualTo(10);
        assertThat(config.historySize()).isEqualTo(100);
        assertThat(config.historyOnJoin()).isEqualTo(20);
        assertThat(config.recoverMax()).isEqualTo(1000);
        assertThat(config.maxOutboundBytes()).isEqualTo(1 << 20);
        assertThat(config.shutdownGraceMs()).isEqualTo(5_000);
        assertThat(config.compression()).isTrue();
        assertThat(config.allowedOrigins()).isEmpty();
        assertThat(config.toBuilder().build()).isEqualTo(config);
    }

    @Test
    void rejectsValuesOutOfRangeWithTheirName() {
        assertThatIllegalArgumentException().isThrownBy(() -> ServerConfig.builder().with("--port", -1).build())
                .withMessage("port must be from 0 to 65535, not -1");
        assertThatIllegalArgumentException().isThrownBy(() -> ServerConfig.builder().with("--heartbeat-ms", 0).build())
                .withMessage("heartbeatMs must be at least 1, not 0");
        assertThatIllegalArgumentException().isThrownBy(() -> ServerConfig.builder().with("--max-frame-bytes", 100)
                .with("--max-text-chars", 50).build())
                .withMessageStartingWith("maxFrameBytes");
        assertThatIllegalArgumentException().isThrownBy(() -> ServerConfig.builder()
                .with("--max-text-chars", 70_000).build())
                .withMessageStartingWith("maxTextChars");
        assertThatIllegalArgumentException().isThrownBy(() -> ServerConfig.builder()
                .with("--presence-limit", 0).build())
                .withMessage("presenceLimit must be from 1 to 1000000, not 0");
        assertThat(ServerConfig.builder()
                .with("--allowed-origins", List.of("https://a")).build().allowedOrigins()).containsExactly("https://a");
    }

    @Test
    void theEventLoopsAreHalfTheCoresUnlessSet() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(ServerConfig.builder().build().eventLoops()).isEqualTo(Math.max(1, cores / 2)).isPositive();
        assertThat(ServerConfig.builder().with("--io-threads", 3).build().eventLoops()).isEqualTo(3);
    }

    @Test
    void aPresenceEntryOutlivesItsRefreshInterval() {
        ServerConfig config = ServerConfig.builder().build();
        assertThat(config.presenceTtlMs()).isEqualTo(40_000);
        assertThat(config.presenceRefreshMs()).isEqualTo(10_000);
        assertThatIllegalArgumentException().isThrownBy(() -> ServerConfig.builder().with("--presence-ttl-ms", 500)
                .with("--presence-refresh-ms", 500).build())
                .withMessageStartingWith("presenceTtlMs");
        assertThatIllegalArgumentException().isThrownBy(() -> ServerConfig.builder()
                .with("--presence-refresh-ms", 0).build())
                .withMessageStartingWith("presenceRefreshMs");
    }

    @Test
    void withoutARedisUriANodeRunsAloneAndABadOneIsRefused() {
        ServerConfig config = ServerConfig.builder().build();
        assertThat(config.redisUri()).isNull();
        assertThat(config.redisTimeoutMs()).isEqualTo(2_000);
        assertThat(config.redisCheckMs()).isEqualTo(2_000);
        assertThat(ServerConfig.builder()
                .with("--redis-uri", " ").build().redisUri()).as("an empty variable means none").isNull();
        assertThat(ServerConfig.builder()
                .with("--redis-uri", "rediss://:pw@redis:6380/2").build().redisUri()).isEqualTo("rediss://:pw@redis:6380/2");
        assertThatIllegalArgumentException().isThrownBy(() -> ServerConfig.builder()
                .with("--redis-uri", "http://redis:6379").build())
                .withMessageStartingWith("redisUri");
        assertThatIllegalArgumentException().isThrownBy(() -> ServerConfig.builder()
                .with("--redis-timeout-ms", 0).build())
                .withMessageStartingWith("redisTimeoutMs");
    }
}

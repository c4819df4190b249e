package dev.parley.server.store;

import dev.parley.server.config.ServerConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DatabaseUrlTest {

    @Test
    void theOperatorsFormBecomesAJdbcUrlWithTheCredentialsApart() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://chat:p%40ss:word@db.example:5433/parley?sslmode=require");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5433/parley?sslmode=require");
        assertThat(url.user()).isEqualTo("chat");
        assertThat(url.password()).isEqualTo("p@ss:word");
        assertThat(url.toString()).isEqualTo("postgresql://chat@db.example:5433/parley").doesNotContain("word");
        assertThat(DatabaseUrl.parse("postgres://db/parley").jdbcUrl()).isEqualTo("jdbc:postgresql://db/parley");
    }

    @Test
    void aJdbcUrlKeepsItsQueryButNotItsCredentials() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://db:5432/parley?user=chat&sslmode=verify-full&password=s%26cret");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/parley?sslmode=verify-full");
        assertThat(url.user()).isEqualTo("chat");
        assertThat(url.password()).isEqualTo("s&cret");
        assertThat(url.display()).isEqualTo("postgresql://chat@db:5432/parley");
        assertThat(DatabaseUrl.parse("jdbc:postgresql://db/parley").user()).isNull();
    }

    @Test
    void severalHostsForAFailoverGoToTheJdbcUrlInTheirOrder() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://chat:s%40cret@db1:5432,db2:5433/parley?targetServerType=primary");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db1:5432,db2:5433/parley?targetServerType=primary");
        assertThat(url.user()).isEqualTo("chat");
        assertThat(url.password()).isEqualTo("s@cret");
        assertThat(url.display()).isEqualTo("postgresql://chat@db1:5432,db2:5433/parley");
        assertThat(DatabaseUrl.parse("jdbc:postgresql://10.0.0.1,db2:5433/parley?user=chat").jdbcUrl())
                .isEqualTo("jdbc:postgresql://10.0.0.1,db2:5433/parley");
    }

    @Test
    void otherFormsAreRefusedWithoutRepeatingTheValue() {
        for (String bad : new String[] {"mysql://u:secret@db/x", "postgresql:secret", "jdbc:postgres://u:secret@db/x",
                "secret", "postgresql://u:secret@/x", "postgresql://u:secret@db1,/x", "postgresql://u:secret@a b,c/x"}) {
            assertThatThrownBy(() -> DatabaseUrl.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("databaseUrl must be postgresql://").hasMessageNotContaining("secret");
        }
    }

    @Test
    void theConfigurationChecksTheUrlAndTakesItTogetherWithRedis() {
        assertThat(ServerConfig.builder().with("--database-url", "postgresql://db/parley").build().databaseUrl())
                .isEqualTo("postgresql://db/parley");
        assertThatThrownBy(() -> ServerConfig.builder().with("--database-url", "nope://u:secret@db").build())
                .hasMessageNotContaining("secret");
        ServerConfig clustered = ServerConfig.builder().with("--database-url", "postgresql://db/parley")
                .with("--redis-uri", "redis://127.0.0.1:6379").build();
        assertThat(clustered.databaseUrl()).isEqualTo("postgresql://db/parley");
        assertThat(clustered.redisUri()).isEqualTo("redis://127.0.0.1:6379");
    }
}

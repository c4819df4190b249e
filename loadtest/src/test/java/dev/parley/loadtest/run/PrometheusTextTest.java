package dev.parley.loadtest.run;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusTextTest {
    private static final String SCRAPE = """
            # HELP jvm_memory_used_bytes The amount of used memory
            # TYPE jvm_memory_used_bytes gauge
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1000.0
            jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2.5E3
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 99999.0
            jvm_memory_used_bytes_other{area="heap"} 7
            """;

    @Test
    void sumsTheMatchingSamplesOfOneMetric() {
        assertThat(PrometheusText.sum(SCRAPE, "jvm_memory_used_bytes", "area=\"heap\"")).contains(3500L);
    }

    @Test
    void isEmptyWhenNothingMatches() {
        assertThat(PrometheusText.sum(SCRAPE, "parley_connections_active", "")).isEmpty();
        assertThat(PrometheusText.sum("not prometheus at all", "jvm_memory_used_bytes", "area=\"heap\"")).isEmpty();
    }
}

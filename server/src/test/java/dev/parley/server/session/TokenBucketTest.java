package dev.parley.server.session;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void allowsTheBurstThenTheRate() {
        TokenBucket bucket = new TokenBucket(2, 3, 0);
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(0)).isTrue();
        assertThat(bucket.tryTake(0)).isFalse();
        assertThat(bucket.tryTake(SECOND / 2)).isTrue();
        assertThat(bucket.tryTake(SECOND / 2)).isFalse();
        assertThat(bucket.tryTake(10 * SECOND)).isTrue();
        assertThat(bucket.tryTake(10 * SECOND)).isTrue();
        assertThat(bucket.tryTake(10 * SECOND)).isTrue();
        assertThat(bucket.tryTake(10 * SECOND)).as("never more than the burst saved").isFalse();
    }
}

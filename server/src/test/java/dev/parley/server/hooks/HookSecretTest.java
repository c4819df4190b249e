package dev.parley.server.hooks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HookSecretTest {

    @Test
    void signsAsTheStandardWebhooksSpecificationsExample() {
        HookSecret secret = HookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(secret.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}"))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void refusesWhatIsNoSecretWithoutSayingIt() {
        assertThatThrownBy(() -> HookSecret.parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).hasMessageNotContaining("MfKQ");
        assertThatThrownBy(() -> HookSecret.parse("whsec_%%%")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HookSecret.parse("whsec_c2hvcnQ=")).hasMessageContaining("16 bytes");
        assertThat(HookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").toString()).doesNotContain("MfKQ");
    }
}

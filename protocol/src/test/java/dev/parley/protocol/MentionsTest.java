package dev.parley.protocol;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MentionsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "hi @Bob.|bob",
        "@alice hello|alice",
        "@alice and @ALICE and @bob|alice,bob",
        "mail me at carol@example.com|",
        "(@dave) @eve-, @frank...|dave,eve,frank",
        "@x.y_z-1 hi|x.y_z-1",
        "@@gus|gus",
        "@ alone @|",
        "@---|",
        "@abcdefghijklmnopqrstuvwxyz0123456789 too long|",
        "✓@hal|hal",
    })
    void findsWhoATextMentions(String text, String expected) {
        List<String> nicks = expected == null ? List.of() : Arrays.asList(expected.split(","));
        assertThat(Mentions.in(text)).containsExactlyElementsOf(nicks);
    }

    @Test
    void messagesAndEditsCarryTheirMentionsInJson() throws Exception {
        String message = ParleyJson.write(new ServerEvent.Message("r", 4, 1, "a", "hey @Bob"));
        assertThat(message).contains("\"mentions\":[\"bob\"]");
        assertThat(ParleyJson.write(new ServerEvent.Message("r", 4, 1, "a", "hey"))).doesNotContain("mentions");
        assertThat(ParleyJson.write(new ServerEvent.Edit("r", 5, 4, "a", "@carol", 2))).contains("\"mentions\":[\"carol\"]");
        assertThat(ParleyJson.readEvent(message)).isEqualTo(new ServerEvent.Message("r", 4, 1, "a", "hey @Bob"));
    }
}

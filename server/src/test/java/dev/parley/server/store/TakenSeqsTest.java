package dev.parley.server.store;

import dev.parley.protocol.ServerEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The seqs a session took in chunks, by conversation: ranges that grow, join and keep their gaps. */
class TakenSeqsTest {

    private static ServerEvent.Dm dm(String from, String to, long seq) {
        return new ServerEvent.Dm(from, to, "m", 1, seq, true);
    }

    private static List<Long> contained(TakenSeqs taken, String from, String to) {
        return LongStream.rangeClosed(1, 12).filter(seq -> taken.contains(dm(from, to, seq))).boxed().toList();
    }

    @Test
    void seqsAddedInAnyOrderAreKnownExactlyWithTheirGapsAndRangesThatMeetJoin() {
        TakenSeqs taken = new TakenSeqs();
        for (long seq : new long[] {5, 3, 4, 9, 10, 1, 4}) {
            taken.add(dm("alice", "bob", seq));
        }
        assertThat(contained(taken, "alice", "bob")).containsExactly(1L, 3L, 4L, 5L, 9L, 10L);
        taken.add(dm("alice", "bob", 2));
        taken.add(dm("alice", "bob", 7));
        taken.add(dm("alice", "bob", 8));
        taken.add(dm("alice", "bob", 6));
        assertThat(contained(taken, "alice", "bob")).as("1 to 10, one range").isEqualTo(LongStream.rangeClosed(1, 10).boxed().toList());
    }

    @Test
    void aConversationIsBothDirectionsAndSpellingsAndNoOther() {
        TakenSeqs taken = new TakenSeqs();
        taken.add(dm("alice", "Bob", 2));
        assertThat(taken.contains(dm("BOB", "alice", 2))).isTrue();
        assertThat(taken.contains(dm("carol", "bob", 2))).isFalse();
        assertThat(contained(taken, "bob", "alice")).containsExactly(2L);
    }
}

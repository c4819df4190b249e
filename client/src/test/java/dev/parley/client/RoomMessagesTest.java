package dev.parley.client;

import dev.parley.protocol.ServerEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoomMessagesTest {
    private static final String ROOM = "general";

    private static ServerEvent.Message message(long offset, String from, String text) {
        return new ServerEvent.Message(ROOM, offset, 1000 + offset, from, text);
    }

    private static ServerEvent.Reaction reaction(long offset, long target, String from, String emoji, boolean on) {
        return new ServerEvent.Reaction(ROOM, offset, target, from, emoji, on, 1000 + offset);
    }

    private static RoomMessages twoMessages() {
        return RoomMessages.empty(ROOM, 10).apply(message(1, "alice", "hello @Bob.")).apply(message(2, "bob", "hi"));
    }

    @Test
    void messagesAreHeldInOffsetOrderWithTheirMentions() {
        RoomMessages room = twoMessages();

        assertThat(room.messages()).extracting(MessageState::text).containsExactly("hello @Bob.", "hi");
        assertThat(room.offset()).isEqualTo(2);
        MessageState first = room.get(1).orElseThrow();
        assertThat(first.mentions()).containsExactly("bob");
        assertThat(first.mentions("BOB")).isTrue();
        assertThat(first.mentions("alice")).isFalse();
        assertThat(first.isEdited()).isFalse();
    }

    @Test
    void anEditChangesTheTextAndTheMentions() {
        RoomMessages room = twoMessages().apply(new ServerEvent.Edit(ROOM, 3, 1, "alice", "hello @carol", 2000));

        MessageState edited = room.get(1).orElseThrow();
        assertThat(edited.text()).isEqualTo("hello @carol");
        assertThat(edited.edited()).isEqualTo(2000L);
        assertThat(edited.isEdited()).isTrue();
        assertThat(edited.mentions()).containsExactly("carol");
        assertThat(edited.ts()).as("sent at").isEqualTo(1001);
        assertThat(room.offset()).isEqualTo(3);
    }

    @Test
    void aDeleteRemovesTheTextAndTheReactionsAndLaterEditsChangeNothing() {
        RoomMessages room = twoMessages().apply(reaction(3, 1, "bob", "👍", true))
                .apply(new ServerEvent.Delete(ROOM, 4, 1, "alice", 2000))
                .apply(new ServerEvent.Edit(ROOM, 5, 1, "alice", "back?", 2001))
                .apply(reaction(6, 1, "carol", "👍", true));

        MessageState deleted = room.get(1).orElseThrow();
        assertThat(deleted.deleted()).isTrue();
        assertThat(deleted.text()).isNull();
        assertThat(deleted.reactions()).isEmpty();
        assertThat(deleted.mentions()).isEmpty();
        assertThat(room.offset()).isEqualTo(6);
    }

    @Test
    void reactionsCountAndNameWhoPutThem() {
        RoomMessages room = twoMessages().apply(reaction(3, 2, "alice", "👍", true))
                .apply(reaction(4, 2, "carol", "👍", true))
                .apply(reaction(5, 2, "carol", "🎉", true))
                .apply(reaction(6, 2, "alice", "👍", false))
                .apply(reaction(7, 2, "carol", "🎉", false));

        assertThat(room.get(2).orElseThrow().reactions())
                .containsExactly(new ServerEvent.ReactionCount("👍", 1, List.of("carol")));
    }

    @Test
    void aReactionAnAnswerAlreadyHoldsIsNotCountedAgain() {
        ServerEvent.Message withState = new ServerEvent.Message(ROOM, 1, 1001, "alice", "hi", null, null, null,
                List.of(new ServerEvent.ReactionCount("👍", 1, List.of("bob"))));
        RoomMessages room = RoomMessages.empty(ROOM, 10).withHistory(List.of(withState))
                .apply(reaction(2, 1, "Bob", "👍", true));

        assertThat(room.get(1).orElseThrow().reactions()).extracting(ServerEvent.ReactionCount::count).containsExactly(1);
    }

    @Test
    void aJoinedReplySeedsTheStateAndEventsItCoversAreIgnored() {
        ServerEvent.Message edited = new ServerEvent.Message(ROOM, 1, 1001, "alice", "fixed", null, 1003L, null, null);
        ServerEvent.Message deleted = new ServerEvent.Message(ROOM, 2, 1002, "bob", null, 1L, null, true, null);
        ServerEvent.Joined joined = new ServerEvent.Joined(null, ROOM, "e1", 4, List.of("alice"), 1, false,
                List.of(edited, deleted), null);

        RoomMessages room = RoomMessages.of(joined, 10)
                .apply(new ServerEvent.Edit(ROOM, 3, 1, "alice", "fixed", 1003));

        assertThat(room.offset()).isEqualTo(4);
        assertThat(room.get(1).orElseThrow().edited()).isEqualTo(1003L);
        MessageState gone = room.get(2).orElseThrow();
        assertThat(gone.deleted()).isTrue();
        assertThat(gone.replyTo()).isEqualTo(1L);
        assertThat(room.apply(new ServerEvent.Edit(ROOM, 5, 1, "alice", "again", 1005)).get(1).orElseThrow().text())
                .isEqualTo("again");
    }

    @Test
    void eventsOfMessagesNotHeldOnlyMoveTheOffset() {
        RoomMessages room = twoMessages().apply(new ServerEvent.Delete(ROOM, 3, 99, "alice", 2000));

        assertThat(room.messages()).hasSize(2);
        assertThat(room.offset()).isEqualTo(3);
        assertThat(room.apply(message(3, "bob", "late duplicate")).messages()).hasSize(2);
        assertThat(room.apply(new ServerEvent.Message("other", 9, 1, "bob", "elsewhere"))).isSameAs(room);
    }

    @Test
    void theOldestMessagesMakeRoomPastTheCapacity() {
        RoomMessages room = RoomMessages.empty(ROOM, 2);
        for (long offset = 1; offset <= 5; offset++) {
            room = room.apply(message(offset, "bob", "m" + offset));
        }

        assertThat(room.messages()).extracting(MessageState::offset).containsExactly(4L, 5L);
        assertThat(room.withHistory(List.of(message(1, "bob", "m1"))).messages()).extracting(MessageState::offset)
                .containsExactly(4L, 5L);
        assertThatThrownBy(() -> RoomMessages.empty(ROOM, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anEventTellsWhichMessageItIsAbout() {
        ServerEvent.Reaction thumbs = reaction(3, 1, "bob", "👍", true);
        RoomMessages room = twoMessages().apply(thumbs);

        assertThat(MessageState.subject(thumbs)).isEqualTo(1);
        assertThat(MessageState.subject(message(2, "bob", "hi"))).isEqualTo(2);
        assertThat(room.about(thumbs).orElseThrow().reactions()).hasSize(1);
        assertThat(room.get(2).orElseThrow().apply(thumbs)).as("about another message").isEqualTo(room.get(2).orElseThrow());
    }

    @Test
    void valuesDoNotChange() {
        RoomMessages before = twoMessages();
        before.apply(new ServerEvent.Edit(ROOM, 3, 1, "alice", "changed", 2000));

        assertThat(before.get(1).orElseThrow().text()).isEqualTo("hello @Bob.");
        assertThat(before.offset()).isEqualTo(2);
    }
}

package dev.parley.server.hooks;

import java.util.List;

/** What the connect hook decided about a {@code hello}: accept, reject, or no usable answer. */
public sealed interface ConnectVerdict {
    /** What a session without a connect hook gets: any room, none joined at once. */
    Accept ACCEPT_ALL = new Accept(null, null);

    /**
     * Let the session in. {@code rooms}: the rooms it may join (names and {@code prefix*} patterns,
     * as the JWT claim), null for any; {@code join}: the rooms it is put in at once, empty for none.
     */
    record Accept(List<String> rooms, List<String> join) implements ConnectVerdict {
        public Accept {
            rooms = rooms == null ? null : List.copyOf(rooms);
            join = join == null ? List.of() : List.copyOf(join);
        }
    }

    /** Keep the session out; {@code reason} is the client's error message. */
    record Reject(String reason) implements ConnectVerdict {
    }

    /** The backend gave no usable answer (none in time, refused, non-2xx, malformed); {@code why} is for the log. */
    record Unavailable(String why) implements ConnectVerdict {
    }
}

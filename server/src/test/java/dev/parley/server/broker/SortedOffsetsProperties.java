package dev.parley.server.broker;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SortedOffsets} against a {@link TreeSet}: random adds (mostly the largest yet, as a room
 * appends, some in the middle, as an edit's new mention) and removes (mostly the smallest, as the
 * window moves on, some anywhere, as a delete); after each, the count above every marker agrees.
 */
class SortedOffsetsProperties {
    /** An add or a remove of {@code offset}; {@code newest} adds one past the largest instead, {@code oldest} removes the smallest. */
    record Change(boolean add, boolean newest, boolean oldest, long offset) {
    }

    @Provide
    Arbitrary<List<Change>> changes() {
        Arbitrary<Change> change = Arbitraries.of(true, false).flatMap(add -> Arbitraries.of(true, false)
                .flatMap(newest -> Arbitraries.of(true, false).flatMap(oldest -> Arbitraries.longs().between(1, 60)
                        .map(offset -> new Change(add, newest, oldest, offset)))));
        return change.list().ofMaxSize(300);
    }

    @Property(tries = 300)
    void countsAboveEveryMarkerAsASortedSetDoes(@ForAll("changes") List<Change> changes) {
        SortedOffsets offsets = new SortedOffsets();
        TreeSet<Long> model = new TreeSet<>();
        for (Change change : changes) {
            if (change.add()) {
                long offset = change.newest() ? (model.isEmpty() ? 0 : model.last()) + 1 : change.offset();
                offsets.add(offset);
                model.add(offset);
            } else {
                long offset = change.oldest() && !model.isEmpty() ? model.first() : change.offset();
                offsets.remove(offset);
                model.remove(offset);
            }
            assertThat(offsets.isEmpty()).isEqualTo(model.isEmpty());
            long top = model.isEmpty() ? 1 : model.last() + 1;
            for (long marker = 0; marker <= top; marker++) {
                assertThat(offsets.countAbove(marker)).as("above %d after %s", marker, change)
                        .isEqualTo(model.tailSet(marker, false).size());
            }
        }
    }
}

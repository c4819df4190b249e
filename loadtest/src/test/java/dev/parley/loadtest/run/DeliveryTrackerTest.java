package dev.parley.loadtest.run;

import org.junit.jupiter.api.Test;

import static dev.parley.loadtest.run.DeliveryTracker.Verdict.AFTER_GAP;
import static dev.parley.loadtest.run.DeliveryTracker.Verdict.DUPLICATE;
import static dev.parley.loadtest.run.DeliveryTracker.Verdict.IN_ORDER;
import static dev.parley.loadtest.run.DeliveryTracker.Verdict.LATE;
import static org.assertj.core.api.Assertions.assertThat;

class DeliveryTrackerTest {
    @Test
    void gaplessDeliveriesAfterTheJoinedOffsetAreClean() {
        DeliveryTracker tracker = new DeliveryTracker(41);
        assertThat(tracker.accept(42)).isEqualTo(IN_ORDER);
        assertThat(tracker.accept(43)).isEqualTo(IN_ORDER);
        assertThat(tracker.lost(43)).isZero();
        assertThat(tracker.duplicated()).isZero();
        assertThat(tracker.reordered()).isZero();
        assertThat(tracker.owed(43)).isEqualTo(2);
        assertThat(tracker.reached(43)).isTrue();
    }

    @Test
    void aGapThatNeverFillsIsLost() {
        DeliveryTracker tracker = new DeliveryTracker(0);
        tracker.accept(1);
        assertThat(tracker.accept(4)).isEqualTo(AFTER_GAP);
        assertThat(tracker.lost(4)).isEqualTo(2);
        assertThat(tracker.reordered()).isZero();
    }

    @Test
    void aMissingOffsetArrivingLateIsReorderedNotLost() {
        DeliveryTracker tracker = new DeliveryTracker(0);
        tracker.accept(1);
        tracker.accept(3);
        assertThat(tracker.accept(2)).isEqualTo(LATE);
        assertThat(tracker.lost(3)).isZero();
        assertThat(tracker.reordered()).isEqualTo(1);
        assertThat(tracker.duplicated()).isZero();
    }

    @Test
    void anOffsetSeenTwiceIsDuplicated() {
        DeliveryTracker tracker = new DeliveryTracker(0);
        tracker.accept(1);
        tracker.accept(2);
        assertThat(tracker.accept(1)).isEqualTo(DUPLICATE);
        tracker.accept(4);
        tracker.accept(3);
        assertThat(tracker.accept(3)).isEqualTo(DUPLICATE);
        assertThat(tracker.duplicated()).isEqualTo(2);
        assertThat(tracker.reordered()).isEqualTo(1);
    }

    @Test
    void offsetsBeforeTheJoinAreDuplicatesAndTheMissingTailIsLost() {
        DeliveryTracker tracker = new DeliveryTracker(10);
        assertThat(tracker.accept(10)).isEqualTo(DUPLICATE);
        tracker.accept(11);
        assertThat(tracker.reached(15)).isFalse();
        assertThat(tracker.lost(15)).isEqualTo(4);
    }

    @Test
    void aHugeGapIsCountedWithoutListingIt() {
        DeliveryTracker tracker = new DeliveryTracker(0);
        tracker.accept(DeliveryTracker.MAX_LISTED_GAP * 10 + 1);
        assertThat(tracker.lost(DeliveryTracker.MAX_LISTED_GAP * 10 + 1)).isEqualTo(DeliveryTracker.MAX_LISTED_GAP * 10);
    }

    @Test
    void recoveredMessagesAlreadyReceivedCountAsDuplicatesNeverTwice() {
        DeliveryTracker tracker = new DeliveryTracker(10);
        tracker.accept(11);
        tracker.accept(12);
        assertThat(tracker.accept(12)).as("a recovered copy of one that had arrived").isEqualTo(DUPLICATE);
        assertThat(tracker.accept(13)).isEqualTo(IN_ORDER);
        assertThat(tracker.owed(13)).isEqualTo(3);
        assertThat(tracker.lost(13)).isZero();
    }

    @Test
    void whatTheServerCouldNotRecoverIsNeitherOwedNorLost() {
        DeliveryTracker tracker = new DeliveryTracker(0);
        tracker.accept(1);
        tracker.skipTo(5);
        assertThat(tracker.notRecovered()).isEqualTo(4);
        assertThat(tracker.accept(6)).isEqualTo(IN_ORDER);
        assertThat(tracker.owed(6)).isEqualTo(2);
        assertThat(tracker.lost(6)).isZero();
        tracker.skipTo(3);
        assertThat(tracker.notRecovered()).as("nothing to skip behind the last offset").isEqualTo(4);
    }
}

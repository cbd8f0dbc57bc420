package io.flashsale.admission.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.flashsale.shared.OrderStatus;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ids a reconnecting client sends back: a status never goes back, units are read as written. */
class StreamEventIdsTest {

    @Test
    void statusesRankInTheOrderOfAnOrdersLife() {
        assertThat(StreamEventIds.rank("PENDING")).isLessThan(StreamEventIds.rank("CONFIRMED"));
        for (String last : new String[] {"PAID", "CANCELLED", "FAILED", "EXPIRED"}) {
            assertThat(StreamEventIds.rank(last)).as(last).isGreaterThan(StreamEventIds.rank("CONFIRMED"));
        }
        Arrays.stream(OrderStatus.values()).forEach(status -> assertThat(StreamEventIds.rankOf(status.name()))
                .isEqualTo(StreamEventIds.rank(status.name())));
        assertThat(StreamEventIds.rankOf("NOT-A-STATUS")).isEqualTo(-1);
    }

    @Test
    void unitsRoundTripAndMalformedPairsCountAsNotSeen() {
        String id = StreamEventIds.stockId(Map.of(1L, 5L, 2L, StreamEventIds.NONE));
        assertThat(StreamEventIds.unitsOf(id)).containsOnly(Map.entry(1L, 5L), Map.entry(2L, StreamEventIds.NONE));
        assertThat(StreamEventIds.unitsOf("3:x,nonsense,4:7")).containsOnly(Map.entry(4L, 7L));
    }
}

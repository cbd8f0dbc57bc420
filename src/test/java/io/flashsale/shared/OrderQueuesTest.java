package io.flashsale.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.flashsale.admission.gate.OrderIds;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OrderQueuesTest {

    private final OrderQueues queues = new OrderQueues("fs", List.of(Duration.ofSeconds(1)));

    @Test
    void theFirstOrdersQueueKeepsTheNameOfTheSingleQueueBeforeItAndTheOthersAreNumbered() {
        assertThat(queues.orderQueues()).containsExactly("fs.orders", "fs.orders.1", "fs.orders.2", "fs.orders.3");
        assertThat(queues.allQueues()).containsAll(queues.orderQueues());
    }

    @Test
    void aCrowdOfOrderIdsSpreadsEvenlyOverAll() {
        List<String> ids = IntStream.range(0, 40_000)
                .mapToObj(i -> OrderIds.fresh().toString())
                .toList();
        Map<String, Long> perQueue =
                ids.stream().collect(Collectors.groupingBy(queues::orderQueueFor, Collectors.counting()));

        assertThat(perQueue.keySet()).containsExactlyInAnyOrderElementsOf(queues.orderQueues());
        // 10,000 expected in each; five standard deviations (about 87 each) either way.
        assertThat(perQueue.values()).allSatisfy(count -> assertThat(count).isBetween(9_560L, 10_440L));
    }

    @Test
    void theQueueOfAnIdIsPinnedSoThatEveryProcessAndVersionAgrees() {
        // String.hashCode is specified by the JDK; a change here would send retries elsewhere.
        assertThat(queues.orderQueueFor("0190b5a4-7c1e-7000-8000-000000000001")).isEqualTo("fs.orders");
        assertThat(queues.orderQueueFor("0190b5a4-7c1e-7000-8000-000000000002")).isEqualTo("fs.orders.1");
        assertThat(queues.orderQueueFor("0190b5a4-7c1e-7000-8000-000000000003")).isEqualTo("fs.orders.2");
        assertThat(queues.orderQueueFor("0190b5a4-7c1e-7000-8000-000000000004")).isEqualTo("fs.orders.3");
    }

    @Test
    void aMessageWithoutAnIdGoesToTheFirstQueue() {
        assertThat(queues.orderQueueFor(null)).isEqualTo("fs.orders");
    }

    @Test
    void aShardOutsideTheRangeIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> queues.orderQueue(OrderQueues.ORDER_QUEUE_SHARDS));
        assertThatIllegalArgumentException().isThrownBy(() -> queues.orderQueue(-1));
    }
}

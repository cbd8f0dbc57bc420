package io.flashsale.recovery;

import io.flashsale.shared.ConfirmedHandOff;
import io.flashsale.shared.OrderQueues;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.stereotype.Component;

/** Where dead letters go that cannot even be read: kept for a human, counted, and logged raw. */
@Component
class ParkingLot {

    private static final Logger log = LoggerFactory.getLogger(ParkingLot.class);
    private static final int LOGGED_PAYLOAD = 2_000;

    private final ConfirmedHandOff handOff;
    private final OrderQueues queues;
    private final Counter parked;

    ParkingLot(RabbitTemplate rabbit, OrderQueues queues, MeterRegistry meters) {
        this.handOff = new ConfirmedHandOff(rabbit);
        this.queues = queues;
        this.parked = Counter.builder("flashsale.dlq.parked")
                .description("Dead letters moved to the parking lot because they cannot be read")
                .register(meters);
    }

    /** Returns once the parking lot holds the copy; throws if it does not (see {@link ConfirmedHandOff#send}). */
    void park(Message message, String why) {
        handOff.send("", queues.parkingLot(), message);
        parked.increment();
        String payload = new String(message.getBody(), StandardCharsets.UTF_8);
        log.error(
                "Parked a dead letter ({}); raw payload: {}",
                why,
                payload.length() > LOGGED_PAYLOAD ? payload.substring(0, LOGGED_PAYLOAD) + "…" : payload);
    }
}

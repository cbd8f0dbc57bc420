package io.flashsale.admission.gate;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code FLASHSALE_GATE_MODE}, {@code FLASHSALE_RESERVATION_TTL} and the rest of the purchase path's
 * settings.
 */
@ConfigurationProperties("flashsale")
public record AdmissionProperties(@DefaultValue Gate gate, @DefaultValue Reservation reservation) {

    /**
     * @param mode           reserve or check-only
     * @param keyPrefix      first segment of every Redis key, so deployments and tests do not meet
     * @param publishTimeout how long a purchase waits for RabbitMQ's confirm before it is withdrawn
     * @param statusTtl      how long order statuses stay cached in Redis for status look-ups
     * @param idempotencyTtl how long an Idempotency-Key is remembered
     * @param soldOutTtl     how long an instance answers "sold out" from memory if no restock message reaches it
     */
    public record Gate(
            @DefaultValue("reserve") GateMode mode,
            @DefaultValue("fs") String keyPrefix,
            @DefaultValue("2s") Duration publishTimeout,
            @DefaultValue("1h") Duration statusTtl,
            @DefaultValue("24h") Duration idempotencyTtl,
            @DefaultValue("2s") Duration soldOutTtl) {}

    /** @param ttl how long a reservation may stay pending before the reconciler expires it */
    public record Reservation(@DefaultValue("5m") Duration ttl) {}
}

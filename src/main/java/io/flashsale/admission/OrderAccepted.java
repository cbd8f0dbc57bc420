package io.flashsale.admission;

import io.flashsale.shared.OrderStatus;
import java.util.UUID;

/** The 202 answer: the order is queued and will be settled. */
public record OrderAccepted(UUID orderId, OrderStatus status) {}

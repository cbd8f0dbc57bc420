package io.flashsale.settlement;

import io.flashsale.shared.OrderRequested;
import io.micrometer.tracing.Link;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.List;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/**
 * Spring AMQP continues the trace of each message for a single-message listener, but not for a
 * batch listener, and a batch mixes the orders of many traces. So the worker does it itself
 * (docs/adr/0023): each order gets a span that continues the trace its message carries (the W3C
 * {@code traceparent} header the API's publish wrote), from the start of the batch until Redis is
 * in line; the batch gets its own span, linked to those, which is current while the batch is settled.
 */
class SettlementTracing {

    private static final Propagator.Getter<MessageProperties> HEADERS = (properties, key) -> {
        Object value = properties.getHeaders().get(key);
        return value == null ? null : value.toString();
    };

    private final Tracer tracer;
    private final Propagator propagator;

    SettlementTracing(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** Starts the span of one order's settlement, in the trace its message carries. */
    Span continueOrder(Message message, OrderRequested order) {
        return propagator
                .extract(message.getMessageProperties(), HEADERS)
                .name("settle order")
                .kind(Span.Kind.CONSUMER)
                .remoteServiceName("RabbitMQ")
                .tag("flashsale.order.id", order.orderId().toString())
                .tag("flashsale.item.id", order.itemId())
                .start();
    }

    /** Starts the span of the batch as a whole, linked to the spans of the orders it settles. */
    Span startBatch(List<Span> orders) {
        Span.Builder batch =
                tracer.spanBuilder().setNoParent().name("settle batch").tag("flashsale.batch.size", orders.size());
        orders.forEach(order -> batch.addLink(new Link(order)));
        return batch.start();
    }

    /** A step of one order's settlement, e.g. bringing Redis in line. */
    Span startStep(Span order, String name) {
        return tracer.nextSpan(order).name(name).start();
    }

    Tracer.SpanInScope inScope(Span span) {
        return tracer.withSpan(span);
    }
}

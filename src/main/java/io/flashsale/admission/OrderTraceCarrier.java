package io.flashsale.admission;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.jspecify.annotations.Nullable;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Writes the purchase request's trace into its order's message (the W3C {@code traceparent}
 * header), where the worker continues it (settlement's {@code SettlementTracing}).
 *
 * <p>{@code RabbitTemplate}'s own observation did this with a span and a timer per message on the
 * publishing thread: 58 % of that thread's time and about a third of the admissions a second
 * while a sale admits (docs/adr/0066). Here only a sampled request, whose trace is exported, gets
 * a producer span for its publish; an unsampled one passes its own context on, so the worker's
 * log lines still carry the request's trace id.
 */
@Component
class OrderTraceCarrier {

    private static final Propagator.Setter<MessageProperties> HEADERS = MessageProperties::setHeader;

    private final Tracer tracer;
    private final Propagator propagator;

    @Autowired
    OrderTraceCarrier(ObjectProvider<Tracer> tracer, ObjectProvider<Propagator> propagator) {
        this(tracer.getIfAvailable(() -> Tracer.NOOP), propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    private OrderTraceCarrier(Tracer tracer, Propagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    /** Carries no trace: for a publisher outside an application context. */
    static OrderTraceCarrier untraced() {
        return new OrderTraceCarrier(Tracer.NOOP, Propagator.NOOP);
    }

    /**
     * Writes the current trace into the message's headers; call it with the request's observation
     * in scope, just before the send.
     *
     * @return the producer span of this publish, to be ended once it is sent; null when the
     *     request's trace is not sampled or there is none
     */
    @Nullable
    Span carry(Message message, String exchange, String routingKey) {
        Span request = tracer.currentSpan();
        if (request == null) {
            return null;
        }
        MessageProperties headers = message.getMessageProperties();
        TraceContext context = request.context();
        if (!Boolean.TRUE.equals(context.sampled())) {
            propagator.inject(context, headers, HEADERS);
            return null;
        }
        Span publish = tracer.spanBuilder()
                .setParent(context)
                .name(exchange + " send")
                .kind(Span.Kind.PRODUCER)
                .remoteServiceName("RabbitMQ")
                .tag("messaging.destination.name", exchange)
                .tag("messaging.rabbitmq.destination.routing_key", routingKey)
                .start();
        propagator.inject(publish.context(), headers, HEADERS);
        return publish;
    }
}

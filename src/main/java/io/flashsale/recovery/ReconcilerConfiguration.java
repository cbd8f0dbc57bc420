package io.flashsale.recovery;

import io.flashsale.admission.gate.AdmissionProperties;
import io.flashsale.admission.gate.GateWarmup;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.admission.gate.AdmissionProperties;
import io.flashsale.admission.gate.GateWarmup;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.payment.UnitReturns;
import io.flashsale.standby.StandbyQueue;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.orders.OrderBook;
import io.flashsale.orders.OrderMetrics;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.OrderQueues;
import io.flashsale.shared.Role;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.RECONCILER)
class ReconcilerConfiguration {

    @Bean
    ReconcilerLeadership reconcilerLeadership(DataSource dataSource) {
        return new ReconcilerLeadership(dataSource);
    }

    @Bean
    Reconciler reconciler(ReconcilerLeadership leadership, SaleCatalog catalog, RedisGate gate, GateWarmup warmup,
                          OrderBook orderBook, OrderQueues queues, ConnectionFactory connectionFactory,
                          ApplicationEventPublisher events, ReconcilerProperties settings,
                          AdmissionProperties admission, Clock clock, MeterRegistry meters, OrderMetrics orderMetrics) {
        Duration reservationTtl = admission.reservation().ttl();
        return new Reconciler(leadership, catalog, gate, settings, reservationTtl, clock, meters,
                new LeftoverReservations(gate, orderBook, orderMetrics, events, settings, reservationTtl),
                new LostItemRestore(warmup, queues, new RabbitAdmin(connectionFactory)),
                new DriftMeter(gate, catalog), new DriftRepair(gate, orderBook, warmup));
    }

    @Bean
    PaymentTimeoutSweeper paymentTimeoutSweeper(ReconcilerLeadership leadership, UnitReturns returns,
                                                StandbyQueue standby, ReconcilerProperties settings) {
        return new PaymentTimeoutSweeper(leadership, returns, standby, settings);
    }
}

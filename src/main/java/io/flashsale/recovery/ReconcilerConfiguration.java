package io.flashsale.recovery;

import io.flashsale.admission.gate.AdmissionProperties;
import io.flashsale.admission.gate.GateRepair;
import io.flashsale.admission.gate.GateWarmup;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.orders.ItemOrders;
import io.flashsale.orders.OrderBook;
import io.flashsale.orders.OrderMetrics;
import io.flashsale.payment.UnitReturns;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.OrderQueues;
import io.flashsale.shared.Role;
import io.flashsale.standby.StandbyQueue;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
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
    Reconciler reconciler(
            ReconcilerLeadership leadership,
            SaleCatalog catalog,
            RedisGate gate,
            ReconcilerProperties settings,
            AdmissionProperties admission,
            Clock clock,
            MeterRegistry meters,
            LeftoverReservations leftovers,
            LostItemRestore restore,
            DriftRepair driftRepair) {
        return new Reconciler(
                leadership,
                catalog,
                gate,
                settings,
                admission.reservation().ttl(),
                clock,
                meters,
                leftovers,
                restore,
                new DriftMeter(gate, catalog),
                driftRepair);
    }

    @Bean
    LeftoverReservations leftoverReservations(
            RedisGate gate,
            OrderBook orderBook,
            OrderMetrics orderMetrics,
            ApplicationEventPublisher events,
            ReconcilerProperties settings,
            AdmissionProperties admission) {
        return new LeftoverReservations(
                gate,
                orderBook,
                orderMetrics,
                events,
                settings,
                admission.reservation().ttl());
    }

    @Bean
    LostItemRestore lostItemRestore(GateWarmup warmup, OrderQueues queues, ConnectionFactory connectionFactory) {
        return new LostItemRestore(warmup, queues, new RabbitAdmin(connectionFactory));
    }

    @Bean
    DriftRepair driftRepair(RedisGate gate, GateRepair repair, ItemOrders itemOrders, GateWarmup warmup) {
        return new DriftRepair(gate, repair, itemOrders, warmup);
    }

    @Bean
    PaymentTimeoutSweeper paymentTimeoutSweeper(
            ReconcilerLeadership leadership, UnitReturns returns, StandbyQueue standby, ReconcilerProperties settings) {
        return new PaymentTimeoutSweeper(leadership, returns, standby, settings);
    }
}

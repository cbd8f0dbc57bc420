package io.flashsale.recovery;

import io.flashsale.admission.AdmissionProperties;
import io.flashsale.admission.GateWarmup;
import io.flashsale.admission.RedisGate;
import io.flashsale.payment.UnitReturns;
import io.flashsale.standby.StandbyQueue;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.settlement.OrderBook;
import io.flashsale.settlement.OrderMetrics;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.OrderQueues;
import io.flashsale.shared.Role;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

@Configuration(proxyBeanMethods = false)
@ConditionalOnRole(Role.RECONCILER)
@EnableScheduling
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
        return new Reconciler(leadership, catalog, gate, warmup, orderBook, queues, new RabbitAdmin(connectionFactory),
                events, settings, admission.reservation().ttl(), clock, meters, orderMetrics);
    }

    @Bean
    PaymentTimeoutSweeper paymentTimeoutSweeper(ReconcilerLeadership leadership, UnitReturns returns,
                                                StandbyQueue standby, ReconcilerProperties settings) {
        return new PaymentTimeoutSweeper(leadership, returns, standby, settings);
    }
}

package io.flashsale.admission.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.Map;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.Test;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.unit.DataSize;

/** The connections kept open at most, from the heap (docs/adr/0072). */
class ConnectionBoundTest {

    static final DataSize BUDGET = DataSize.ofKilobytes(256);

    @Test
    void theHeapDividedByTheBudgetOfAConnection() {
        assertThat(ConnectionBound.forHeap(DataSize.ofMegabytes(512).toBytes(), BUDGET))
                .isEqualTo(2_048);
        assertThat(ConnectionBound.forHeap(DataSize.ofGigabytes(2).toBytes(), BUDGET))
                .as("Tomcat's own default")
                .isEqualTo(8_192);
    }

    @Test
    void atLeastOneConnectionAndNoOverflow() {
        assertThat(ConnectionBound.forHeap(1_000, BUDGET)).isEqualTo(1);
        assertThat(ConnectionBound.forHeap(Long.MAX_VALUE, DataSize.ofBytes(1))).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aBudgetOfNothingIsRefusedAtStart() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new HttpLimits(DataSize.ofKilobytes(64), true, DataSize.ofBytes(0)))
                .withMessageContaining("heap-per-connection");
    }

    @Test
    void theServerIsGivenTheBoundFromTheHeap() {
        int expected = ConnectionBound.forHeap(Runtime.getRuntime().maxMemory(), BUDGET);

        assertThat(maxConnectionsAfterCustomizing(new MockEnvironment())).isEqualTo(expected);
    }

    @Test
    void theBoundNamesWhatTheOperatorSet() {
        var limits = new HttpLimits(DataSize.ofKilobytes(64), true, BUDGET);

        assertThat(new ConnectionBound(
                                limits, new MockEnvironment().withProperty("server.tomcat.max-connections", "300"))
                        .maxConnections())
                .isEqualTo(300);
        var environment = new MockEnvironment();
        environment
                .getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("SERVER_TOMCAT_MAXCONNECTIONS", "-1")));
        assertThat(new ConnectionBound(limits, environment).maxConnections())
                .as("an environment variable, relaxed binding: -1 is no bound")
                .isEqualTo(-1);
    }

    @Test
    void aMaxConnectionsSetByTheOperatorIsKept() {
        var environment = new MockEnvironment().withProperty("server.tomcat.max-connections", "300");

        assertThat(maxConnectionsAfterCustomizing(environment))
                .as("left as Spring Boot sets it from server.tomcat.max-connections")
                .isEqualTo(
                        new Connector().getProtocolHandler() instanceof AbstractProtocol<?> p
                                ? p.getMaxConnections()
                                : -1);
    }

    /** Tomcat's maxConnections after this customizer's connector customizers ran on a new connector. */
    private static int maxConnectionsAfterCustomizing(MockEnvironment environment) {
        var factory = new TomcatServletWebServerFactory();
        var limits = new HttpLimits(DataSize.ofKilobytes(64), true, BUDGET);
        new WebConfiguration()
                .boundedConnections(new ConnectionBound(limits, environment), limits)
                .customize(factory);
        var connector = new Connector();
        factory.getConnectorCustomizers().forEach(customizer -> customizer.customize(connector));
        return ((AbstractProtocol<?>) connector.getProtocolHandler()).getMaxConnections();
    }
}

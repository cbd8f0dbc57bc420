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

/** The connections kept open at most, from the heap or as the operator set it (docs/adr/0072). */
class ConnectionBoundTest {

    static final DataSize RESERVE = DataSize.ofMegabytes(192);
    static final DataSize BUDGET = DataSize.ofKilobytes(160);

    @Test
    void whatIsLeftOfTheHeapAfterTheReserveDividedByTheBudgetOfAConnection() {
        assertThat(ConnectionBound.forHeap(DataSize.ofMegabytes(512).toBytes(), RESERVE, BUDGET))
                .as("the harness's heap, measured to hold it")
                .isEqualTo(2_048);
        assertThat(ConnectionBound.forHeap(DataSize.ofGigabytes(2).toBytes(), RESERVE, BUDGET))
                .isEqualTo(11_878);
    }

    @Test
    void aSmallHeapStillTakesSomeConnectionsAndAHugeOneDoesNotOverflow() {
        assertThat(ConnectionBound.forHeap(DataSize.ofMegabytes(128).toBytes(), RESERVE, BUDGET))
                .isEqualTo(ConnectionBound.AT_LEAST);
        assertThat(ConnectionBound.forHeap(Long.MAX_VALUE, DataSize.ofBytes(0), DataSize.ofBytes(1)))
                .isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aBudgetOfNothingOrANegativeReserveIsRefusedAtStart() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new HttpLimits(DataSize.ofKilobytes(64), true, DataSize.ofBytes(0), RESERVE))
                .withMessageContaining("heap-per-connection");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new HttpLimits(DataSize.ofKilobytes(64), true, BUDGET, DataSize.ofBytes(-1)))
                .withMessageContaining("heap-reserve");
    }

    @Test
    void theServerIsGivenTheBoundFromTheHeap() {
        // a budget that gives a number no default could: the heap, less nothing, at 1,000 bytes each
        var limits = new HttpLimits(DataSize.ofKilobytes(64), true, DataSize.ofBytes(1_000), DataSize.ofBytes(0));
        int expected =
                (int) Math.max(ConnectionBound.AT_LEAST, Runtime.getRuntime().maxMemory() / 1_000);

        assertThat(maxConnectionsAfterCustomizing(limits, new MockEnvironment()))
                .isEqualTo(expected)
                .isNotEqualTo(defaultOfTomcat());
    }

    @Test
    void aMaxConnectionsSetByTheOperatorIsAppliedAsSet() {
        var environment = new MockEnvironment().withProperty("server.tomcat.max-connections", "300");

        assertThat(maxConnectionsAfterCustomizing(limits(), environment)).isEqualTo(300);
    }

    @Test
    void zeroOrLessFromTheOperatorIsNoBoundNotTomcatsDefault() {
        // Spring Boot applies only a positive value; left to it, -1 would stay at Tomcat's 8,192
        var environment = new MockEnvironment().withProperty("server.tomcat.max-connections", "0");

        assertThat(new ConnectionBound(limits(), environment).maxConnections()).isEqualTo(ConnectionBound.UNBOUNDED);
        assertThat(maxConnectionsAfterCustomizing(limits(), environment)).isEqualTo(-1);
    }

    @Test
    void theOperatorsValueIsFoundInAnEnvironmentVariable() {
        var environment = new MockEnvironment();
        environment
                .getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource(
                        StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("SERVER_TOMCAT_MAX_CONNECTIONS", "-1")));

        assertThat(new ConnectionBound(limits(), environment).fromHeap()).isFalse();
        assertThat(maxConnectionsAfterCustomizing(limits(), environment)).isEqualTo(-1);
    }

    private static HttpLimits limits() {
        return new HttpLimits(DataSize.ofKilobytes(64), true, BUDGET, RESERVE);
    }

    private static int defaultOfTomcat() {
        return ((AbstractProtocol<?>) new Connector().getProtocolHandler()).getMaxConnections();
    }

    /** Tomcat's maxConnections after this customizer's connector customizers ran on a new connector. */
    private static int maxConnectionsAfterCustomizing(HttpLimits limits, MockEnvironment environment) {
        var factory = new TomcatServletWebServerFactory();
        new WebConfiguration()
                .boundedConnections(new ConnectionBound(limits, environment), limits)
                .customize(factory);
        var connector = new Connector();
        factory.getConnectorCustomizers().forEach(customizer -> customizer.customize(connector));
        return ((AbstractProtocol<?>) connector.getProtocolHandler()).getMaxConnections();
    }
}

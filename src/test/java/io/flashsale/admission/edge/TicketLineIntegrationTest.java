package io.flashsale.admission.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.flashsale.support.FlashSaleIntegrationTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

/**
 * The running server starts its requests through the ticket line (docs/adr/0065), and keeps at most
 * the connections its heap holds (docs/adr/0072).
 */
@FlashSaleIntegrationTest
class TicketLineIntegrationTest {

    @Autowired
    WebServerApplicationContext context;

    @Autowired
    MeterRegistry meters;

    @Autowired
    ConnectionBound connections;

    @Autowired
    HttpLimits limits;

    @LocalServerPort
    int port;

    @Test
    void tomcatHandsItsConnectionsToTheTicketedExecutor() {
        var tomcat = (TomcatWebServer) context.getWebServer();

        assertThat(tomcat.getTomcat().getConnector().getProtocolHandler().getExecutor())
                .isInstanceOf(TicketedExecutor.class);
    }

    @Test
    void tomcatKeepsAtMostTheConnectionsTheHeapHolds() {
        var tomcat = (TomcatWebServer) context.getWebServer();
        var protocol = (AbstractProtocol<?>) tomcat.getTomcat().getConnector().getProtocolHandler();

        assertThat(connections.fromHeap()).isTrue();
        assertThat(protocol.getMaxConnections())
                .as("docs/adr/0072")
                .isEqualTo(ConnectionBound.forHeap(
                        Runtime.getRuntime().maxMemory(), limits.heapReserve(), limits.heapPerConnection()))
                .isNotEqualTo(8_192);
    }

    @Test
    void concurrentRequestsOnKeptAliveConnectionsAreAllAnsweredAndNoneIsLeftWaiting() throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/time"))
                .GET()
                .build();
        var statuses = new ConcurrentLinkedQueue<Integer>();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int connection = 0; connection < 50; connection++) {
                clients.submit(() -> {
                    // one client, one kept-alive connection, twenty requests back to back
                    try (var client = HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .build()) {
                        for (int i = 0; i < 20; i++) {
                            statuses.add(client.send(request, BodyHandlers.discarding())
                                    .statusCode());
                        }
                    }
                    return null;
                });
            }
        }

        assertThat(statuses).hasSize(1_000).containsOnly(200);
        assertThat(meters.get("flashsale.http.line.waiting").gauge().value()).isZero();
        assertThat(meters.get("flashsale.http.line.skipped").functionCounter().count())
                .as("no ticket was lost: nobody waited out its patience")
                .isZero();
    }
}

package io.flashsale.admission.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.flashsale.support.FlashSaleIntegrationTest;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The running server keeps at most its bound of connections open, and goes on answering the ones it
 * has (docs/adr/0072). The operator's bound is 4 here: a bound from the heap is at least
 * {@link ConnectionBound#AT_LEAST}, too many sockets for a test to open.
 */
@FlashSaleIntegrationTest
class ConnectionBoundIntegrationTest {

    static final int BOUND = 4;

    @DynamicPropertySource
    static void fourConnections(DynamicPropertyRegistry registry) {
        registry.add(ConnectionBound.MAX_CONNECTIONS, () -> BOUND);
    }

    @Autowired
    WebServerApplicationContext context;

    @LocalServerPort
    int port;

    @Test
    void tomcatIsGivenTheBound() {
        var tomcat = (TomcatWebServer) context.getWebServer();
        var protocol = (AbstractProtocol<?>) tomcat.getTomcat().getConnector().getProtocolHandler();

        assertThat(protocol.getMaxConnections()).isEqualTo(BOUND);
    }

    @Test
    void aConnectionBeyondTheBoundWaitsUntilOneCloses() throws IOException {
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < BOUND; i++) {
                Socket connection = connect();
                assertThat(ask(connection))
                        .as("connection %d of %d", i + 1, BOUND)
                        .startsWith("HTTP/1.1 200");
                open.add(connection);
            }
            try (Socket beyond = connect()) {
                beyond.setSoTimeout(1_000);
                send(beyond);
                assertThatExceptionOfType(SocketTimeoutException.class)
                        .as("not accepted while %d connections are open", BOUND)
                        .isThrownBy(() -> beyond.getInputStream().read());

                open.removeFirst().close();
                beyond.setSoTimeout(10_000);
                assertThat(firstLine(beyond.getInputStream()))
                        .as("answered once a connection closed")
                        .startsWith("HTTP/1.1 200");
            }
            assertThat(ask(open.getFirst()))
                    .as("the connections kept are still served")
                    .startsWith("HTTP/1.1 200");
        } finally {
            for (Socket connection : open) {
                connection.close();
            }
        }
    }

    private Socket connect() throws IOException {
        var socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** One GET on a kept-alive connection; its status line. */
    private static String ask(Socket connection) throws IOException {
        send(connection);
        return firstLine(connection.getInputStream());
    }

    private static void send(Socket connection) throws IOException {
        connection
                .getOutputStream()
                .write("GET /api/v1/time HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        connection.getOutputStream().flush();
    }

    /** Reads one whole answer (headers and a body of Content-Length bytes) and returns its status line. */
    private static String firstLine(InputStream in) throws IOException {
        var head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after: " + head);
            }
            head.append((char) b);
        }
        String headers = head.toString();
        int length = headers.lines()
                .filter(line -> line.toLowerCase().startsWith("content-length:"))
                .map(line ->
                        Integer.parseInt(line.substring(line.indexOf(':') + 1).trim()))
                .findFirst()
                .orElseThrow(() -> new IOException("no Content-Length: " + headers));
        in.readNBytes(length);
        return headers.substring(0, headers.indexOf("\r\n"));
    }
}

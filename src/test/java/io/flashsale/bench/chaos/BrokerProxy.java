package io.flashsale.bench.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on loopback between one app process and RabbitMQ, so that one process's broker
 * connections can be delayed, stalled or cut while the others' are not. Blocking sockets, one
 * virtual thread per direction: simple enough to read in one sitting. (NetCrusher, the library
 * looked at first, had its last release in 2016; this does the three things needed and no more.)
 *
 * <ul>
 *   <li>delay: every chunk read waits that long before it is written on, in both directions, so
 *       publisher confirms come late (longer than the api's publish timeout if the delay is);</li>
 *   <li>stall: nothing flows (connections stay open, as behind a dead switch) until resumed;</li>
 *   <li>cut: every connection open now is closed at once (the client reconnects through the
 *       proxy, which still accepts).</li>
 * </ul>
 */
final class BrokerProxy implements AutoCloseable {

    private final ServerSocket server;
    private final InetSocketAddress broker;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Object flow = new Object();
    private volatile long delayMs;
    private volatile boolean stalled;
    private volatile boolean closed;

    BrokerProxy(InetSocketAddress broker) throws IOException {
        this.broker = broker;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("proxy-accept-" + port()).start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    void delay(long millis) {
        delayMs = millis;
    }

    void stall() {
        stalled = true;
    }

    /** Lifts delay and stall; connections that were cut stay cut (the client has reconnected). */
    void heal() {
        delayMs = 0;
        synchronized (flow) {
            stalled = false;
            flow.notifyAll();
        }
    }

    void cut() {
        sockets.forEach(BrokerProxy::closeQuietly);
        sockets.clear();
    }

    @Override
    public void close() {
        closed = true;
        heal();
        closeQuietly(server);
        cut();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                try {
                    upstream.connect(broker, 2_000);
                } catch (IOException e) {
                    closeQuietly(client); // the broker is down: the client sees a refused connection
                    closeQuietly(upstream);
                    continue;
                }
                for (Socket socket : new Socket[] {client, upstream}) {
                    socket.setTcpNoDelay(true);
                    sockets.add(socket);
                }
                Thread.ofVirtual().start(() -> pump(client, upstream));
                Thread.ofVirtual().start(() -> pump(upstream, client));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("broker proxy " + port() + ": accept failed: " + e);
                }
            }
        }
    }

    /** Copies one direction until either side closes, then closes both (a half-open AMQP link is useless). */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                awaitFlowing();
                long delay = delayMs;
                if (delay > 0) {
                    Thread.sleep(delay);
                }
                awaitFlowing(); // a stall that began during the delay holds this chunk too
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the connection ends: cut, killed process, broker stopped, or the run is over
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private void awaitFlowing() throws InterruptedException {
        synchronized (flow) {
            while (stalled) {
                flow.wait();
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}

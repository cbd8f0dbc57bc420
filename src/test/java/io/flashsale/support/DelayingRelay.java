package io.flashsale.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP relay on loopback that can hold back what the server sends to the client: each chunk read
 * from the server is written to the client {@link #delayServerToClient} later, in order. Put between
 * one process and RabbitMQ, it makes that process's confirms and deliveries late while its
 * publishes still reach the broker at once.
 */
public final class DelayingRelay implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile long delayNanos;

    public DelayingRelay(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("relay-accept").start(this::acceptUntilClosed);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** From now on, every chunk from the server reaches the client this much later. */
    public void delayServerToClient(Duration delay) {
        delayNanos = delay.toNanos();
    }

    private void acceptUntilClosed() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(server);
                Thread.ofPlatform().daemon().start(() -> pump(client, server, false));
                Thread.ofPlatform().daemon().start(() -> pump(server, client, true));
            } catch (IOException e) {
                return;
            }
        }
    }

    /**
     * Copies one direction. Chunks are read as they come and stamped with the time they are due, and
     * written by a second thread at that time: a delay shifts the stream, it does not pile up.
     */
    private void pump(Socket from, Socket to, boolean delayed) {
        var due = new LinkedBlockingQueue<Chunk>();
        Thread writer = Thread.ofPlatform().daemon().start(() -> writeWhenDue(due, to));
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream()) {
            for (int read; (read = in.read(buffer)) >= 0; ) {
                due.add(new Chunk(System.nanoTime() + (delayed ? delayNanos : 0), Arrays.copyOf(buffer, read)));
            }
        } catch (IOException e) {
            // the other side closed, or the relay did
        }
        due.add(Chunk.END);
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(from);
        closeQuietly(to);
    }

    private record Chunk(long dueNanos, byte[] bytes) {
        static final Chunk END = new Chunk(0, new byte[0]);
    }

    private static void writeWhenDue(BlockingQueue<Chunk> due, Socket to) {
        try {
            OutputStream out = to.getOutputStream();
            for (Chunk chunk; (chunk = due.take()) != Chunk.END; ) {
                for (long wait; (wait = chunk.dueNanos() - System.nanoTime()) > 0; ) {
                    Thread.sleep(Duration.ofNanos(wait));
                }
                out.write(chunk.bytes());
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the other side closed, or the relay did
        }
    }

    @Override
    public void close() {
        closeQuietly(listener);
        sockets.forEach(DelayingRelay::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}

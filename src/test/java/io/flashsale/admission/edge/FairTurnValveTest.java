package io.flashsale.admission.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.junit.jupiter.api.Test;

/** A connection's thread yields its turn before every request after its first (docs/adr/0046). */
class FairTurnValveTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicInteger served = new AtomicInteger();
    private final FairTurnValve valve = new FairTurnValve(meters);

    {
        valve.setNext(new ValveBase() {
            @Override
            public void invoke(Request request, Response response) {
                served.incrementAndGet();
            }
        });
    }

    private double turns() {
        return meters.get("flashsale.http.turns").counter().count();
    }

    private void serve(int requests) throws Exception {
        for (int i = 0; i < requests; i++) {
            valve.invoke(null, null);
        }
    }

    @Test
    void aVirtualThreadThatServedARequestYieldsBeforeTheNextOne() throws Exception {
        Thread.ofVirtual()
                .start(() -> {
                    try {
                        serve(3);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .join();

        assertThat(served).hasValue(3);
        assertThat(turns()).isEqualTo(2);
    }

    @Test
    void theFirstRequestOfEachDispatchGoesStraightThrough() throws Exception {
        for (int dispatch = 0; dispatch < 3; dispatch++) {
            Thread.ofVirtual()
                    .start(() -> {
                        try {
                            serve(1);
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    })
                    .join();
        }

        assertThat(served).hasValue(3);
        assertThat(turns()).isZero();
    }

    @Test
    void platformThreadsAreLeftToTheOperatingSystem() throws Exception {
        serve(2);

        assertThat(served).hasValue(2);
        assertThat(turns()).isZero();
    }
}

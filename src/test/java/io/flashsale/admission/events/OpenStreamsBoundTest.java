package io.flashsale.admission.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Event streams leave room for purchases: at most half the server's connections (docs/adr/0072). */
class OpenStreamsBoundTest {

    @Test
    void theConfiguredNumberWhenTheConnectionsLeaveRoom() {
        assertThat(OpenStreams.atMost(2_000, 8_192)).isEqualTo(2_000);
    }

    @Test
    void halfTheConnectionsWhenTheConfiguredNumberWouldTakeThemAll() {
        assertThat(OpenStreams.atMost(2_000, 2_048))
                .as("the default for a 512 MiB heap")
                .isEqualTo(1_024);
    }

    @Test
    void oneStreamEvenWithOneConnection() {
        assertThat(OpenStreams.atMost(2_000, 1)).isEqualTo(1);
    }

    @Test
    void theConfiguredNumberWhenTheServerHasNoBound() {
        assertThat(OpenStreams.atMost(2_000, -1)).isEqualTo(2_000);
        assertThat(OpenStreams.atMost(2_000, 0)).isEqualTo(2_000);
    }
}

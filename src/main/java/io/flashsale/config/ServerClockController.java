package io.flashsale.config;

import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.Role;
import java.time.Clock;
import java.time.Instant;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/time}: the server's clock, so that the buyer's page counts down to a sale's
 * start by it rather than by the buyer's device: {@code {"now": "2026-...Z", "epochMillis": 1795...}}.
 */
@RestController
@ConditionalOnRole(Role.API)
class ServerClockController {

    private final Clock clock;

    ServerClockController(Clock clock) {
        this.clock = clock;
    }

    @GetMapping(path = "/api/v1/time", produces = MediaType.APPLICATION_JSON_VALUE)
    ServerTime time() {
        Instant now = clock.instant();
        return new ServerTime(now, now.toEpochMilli());
    }

    /**
     * @param now         the server's instant, ISO-8601
     * @param epochMillis the same instant in milliseconds since the epoch
     */
    record ServerTime(Instant now, long epochMillis) {}
}

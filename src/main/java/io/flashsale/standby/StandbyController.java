package io.flashsale.standby;

import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@RestController
@ConditionalOnRole(Role.API)
class StandbyController {

    private final StandbyDesk desk;

    StandbyController(StandbyDesk desk) {
        this.desk = desk;
    }

    /** 202 {standbyId, position}; the same standing order again answers the same. */
    @PostMapping(
            path = "/api/v1/items/{itemId}/standby",
            consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> standBy(
            @PathVariable @Positive long itemId, @Valid @RequestBody StandByRequest command) {
        Standing standing = desk.standBy(itemId, command);
        return ResponseEntity.accepted()
                .location(URI.create("/api/v1/standby/" + standing.standbyId()))
                .body(Map.of(
                        "standbyId",
                        standing.standbyId(),
                        "position",
                        standing.position() == null ? 0 : standing.position()));
    }

    @GetMapping(path = "/api/v1/standby/{standbyId}", produces = MediaType.APPLICATION_JSON_VALUE)
    Standing show(@PathVariable UUID standbyId) {
        return desk.find(standbyId);
    }

    /** 200 with the WITHDRAWN standing order; 409 NOT_WAITING once it was served or has expired. */
    @DeleteMapping(path = "/api/v1/standby/{standbyId}", produces = MediaType.APPLICATION_JSON_VALUE)
    Standing withdraw(@PathVariable UUID standbyId) {
        return desk.withdraw(standbyId);
    }
}

package io.flashsale.admission.legacy;

import io.flashsale.admission.gate.GateWarmup;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.Role;
import java.util.Map;
import java.util.OptionalLong;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** The original system's warm-up endpoint: the same warm-up as {@code /api/v1/admin/sales/{id}/warmup}, behind the same admin token. */
@RestController
@ConditionalOnRole(Role.API)
class LegacyWarmupController {

    private final GateWarmup warmup;

    LegacyWarmupController(GateWarmup warmup) {
        this.warmup = warmup;
    }

    @PostMapping(path = "/admin/flashsales/{saleId}/warmup", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> warmUp(@PathVariable String saleId) {
        OptionalLong parsed = LegacyFlashSaleController.integer(saleId);
        if (parsed.isEmpty()) {
            return LegacyAnswers.error(HttpStatus.BAD_REQUEST, "invalid flash sale id");
        }
        long sale = parsed.getAsLong();
        try {
            warmup.warmUp(sale);
        } catch (ApiException e) {
            return LegacyAnswers.failed(e);
        }
        return ResponseEntity.ok(Map.of("status", "ok", "message", "warm up successful for flash sale " + sale));
    }
}

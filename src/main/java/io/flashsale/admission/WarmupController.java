package io.flashsale.admission;

import io.flashsale.admission.gate.GateWarmup;
import io.flashsale.admission.gate.GateWarmup.WarmedSale;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.Role;
import jakarta.validation.constraints.Positive;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@ConditionalOnRole(Role.API)
class WarmupController {

    private final GateWarmup warmup;

    WarmupController(GateWarmup warmup) {
        this.warmup = warmup;
    }

    @PostMapping(path = "/api/v1/admin/sales/{saleId}/warmup", produces = MediaType.APPLICATION_JSON_VALUE)
    WarmedSale warmUp(@PathVariable @Positive long saleId) {
        return warmup.warmUp(saleId);
    }
}

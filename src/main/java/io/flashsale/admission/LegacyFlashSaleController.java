package io.flashsale.admission;

import io.flashsale.admission.GateWarmup.WarmedSale;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.Role;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Positive;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The original system's endpoints, for its existing clients, mapped onto the same purchase path.
 * Answers keep the original shape ({@code status} strings, snake_case fields).
 */
@RestController
@ConditionalOnRole(Role.API)
class LegacyFlashSaleController {

    record Precheck(String user_id, Long product_id) {
    }

    private final PurchaseAdmission admission;
    private final OrderStatusQuery statuses;
    private final RedisGate gate;
    private final GateWarmup warmup;
    private final Validator validator;
    private final BuyerIdentity buyers;

    LegacyFlashSaleController(PurchaseAdmission admission, OrderStatusQuery statuses, RedisGate gate,
                              GateWarmup warmup, Validator validator, BuyerIdentity buyers) {
        this.admission = admission;
        this.statuses = statuses;
        this.gate = gate;
        this.warmup = warmup;
        this.validator = validator;
        this.buyers = buyers;
    }

    @PostMapping(path = "/flashsale/precheck", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> precheck(@RequestParam(name = "user_id", required = false) String userId,
                                                 @RequestParam(name = "product_id", required = false) Long productId,
                                                 @RequestBody(required = false) Precheck body) {
        String claimed = userId != null ? userId : body == null ? null : body.user_id();
        Long product = productId != null ? productId : body == null ? null : body.product_id();
        try {
            String user = buyers.buyerFor(claimed);
            if (product == null) {
                return answer(400, "error", "user_id and product_id are required", null);
            }
            var command = new PlaceOrder(product, user, 1);
            if (!validator.validate(command).isEmpty()) {
                return answer(400, "error", "user_id or product_id is not valid", null);
            }
            OrderAccepted accepted = admission.admit(command, Optional.empty());
            return answer(200, "queued", "Your order is queued", accepted.orderId());
        } catch (ApiException e) {
            if (e.code() == ErrorCode.VALIDATION_FAILED && claimed == null) {
                return answer(400, "error", "user_id and product_id are required", null);
            }
            ResponseEntity<Map<String, Object>> refusal = answer(e.code().status().value(), legacyStatus(e.code()), e.getMessage(),
                    e.properties().get("orderId") instanceof UUID orderId ? orderId : null);
            return ResponseEntity.status(refusal.getStatusCode()).headers(headers -> e.headers().forEach(headers::set))
                    .body(refusal.getBody());
        }
    }

    @PostMapping(path = "/flashsale/stock/{productId}", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> stock(@PathVariable @Positive long productId) {
        long stock = gate.tokens(productId)
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "Product " + productId + " is not on sale"));
        return Map.of("product_id", productId, "stock", stock);
    }

    @GetMapping(path = "/flashsale/result/{orderId}", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> result(@PathVariable UUID orderId) {
        OrderView order = statuses.require(orderId);
        buyers.checkOwner(order);
        var answer = new LinkedHashMap<String, Object>();
        answer.put("order_id", orderId);
        answer.put("status", switch (order.status()) {
            case PENDING -> "pending";
            case CONFIRMED, PAID -> "success";
            case FAILED, EXPIRED, CANCELLED -> "failed";
        });
        answer.put("fail_reason", order.reason());
        return answer;
    }

    @PostMapping(path = "/admin/flashsales/{saleId}/warmup", produces = MediaType.APPLICATION_JSON_VALUE)
    WarmedSale warmUp(@PathVariable @Positive long saleId) {
        return warmup.warmUp(saleId);
    }

    static String legacyStatus(ErrorCode code) {
        return switch (code) {
            case SOLD_OUT -> "OUT_OF_STOCK";
            case ALREADY_PURCHASED -> "USER_ALREADY_PURCHASED";
            case SALE_NOT_ACTIVE -> "not_started";
            case RATE_LIMITED -> "rate_limited";
            case UNAVAILABLE -> "unavailable";
            default -> "error";
        };
    }

    private static ResponseEntity<Map<String, Object>> answer(int status, String legacyStatus, String message, UUID orderId) {
        var body = new LinkedHashMap<String, Object>();
        body.put("status", legacyStatus);
        body.put("message", message);
        if (orderId != null) {
            body.put("order_id", orderId);
        }
        return ResponseEntity.status(status).body(body);
    }
}

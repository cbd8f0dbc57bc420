package io.flashsale.admission.legacy;

import io.flashsale.admission.BuyerIdentity;
import io.flashsale.admission.OrderStatusQuery;
import io.flashsale.admission.OrderView;
import io.flashsale.admission.PlaceOrder;
import io.flashsale.admission.PurchaseAdmission;
import io.flashsale.admission.gate.RedisGate;
import io.flashsale.sale.SaleItem;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.FaultInjection;
import io.flashsale.shared.Role;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Validator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The original system's endpoints, for its existing clients, on the same purchase path, answering
 * as the original's code did ({@link LegacyAnswers}; docs/adr/0045). {@code product_id} is a SKU
 * ({@link LegacyProducts}); a purchase is always one unit. Refusals are answered here, not thrown to
 * the exception handlers, which would cost a refused request a fifth more CPU (ADR 0008).
 */
@RestController
@ConditionalOnRole(Role.API)
public class LegacyFlashSaleController {

    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}");

    private final PurchaseAdmission admission;
    private final OrderStatusQuery statuses;
    private final RedisGate gate;
    private final Validator validator;
    private final BuyerIdentity buyers;
    private final LegacyProducts products;
    private final LegacyAnswers answers;
    private final FaultInjection faults;

    LegacyFlashSaleController(
            PurchaseAdmission admission,
            OrderStatusQuery statuses,
            RedisGate gate,
            Validator validator,
            BuyerIdentity buyers,
            LegacyProducts products,
            LegacyAnswers answers,
            FaultInjection faults) {
        this.admission = admission;
        this.statuses = statuses;
        this.gate = gate;
        this.validator = validator;
        this.buyers = buyers;
        this.products = products;
        this.answers = answers;
        this.faults = faults;
    }

    @PostMapping(path = "/flashsale/precheck", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> precheck(
            HttpServletRequest request, @RequestBody(required = false) String body) {
        LegacyPrecheck input = LegacyPrecheck.read(request.getQueryString(), body);
        if (input.error() != null) {
            return LegacyAnswers.error(HttpStatus.BAD_REQUEST, input.error());
        }
        try {
            String buyer = buyers.buyerFor(input.userId());
            LegacyProducts.Resolution product = products.resolve(input.productId());
            if (product.item() == null) {
                return answers.refused(product.refusal());
            }
            var command = new PlaceOrder(product.item().id(), buyer, 1);
            if (!validator.validate(command).isEmpty()) {
                return LegacyAnswers.error(HttpStatus.BAD_REQUEST, "invalid user_id");
            }
            // the original's test buyer, under the fault-injection profile only (FaultInjection)
            command = command.forBuyer(faults.admittedBuyer(buyer));
            return answers.queued(admission.admit(command, Optional.empty()).orderId());
        } catch (ApiException e) {
            return answers.refused(e);
        }
    }

    /** The units the gate may still admit for the product's item now; 0 for a product on no open sale. */
    @PostMapping(path = "/flashsale/stock/{productId}", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> stock(@PathVariable String productId) {
        OptionalLong parsed = integer(productId);
        if (parsed.isEmpty()) {
            return LegacyAnswers.error(HttpStatus.BAD_REQUEST, "invalid product_id");
        }
        long product = parsed.getAsLong();
        long stock = products.openItem(Long.toString(product))
                .map(SaleItem::id)
                .flatMap(gate::tokens)
                .orElse(0L);
        return ResponseEntity.ok(Map.of("product_id", product, "stock", stock));
    }

    /** The order's state under the Go field names the original answered, only OrderID and Status filled. */
    @GetMapping(path = "/flashsale/result/{orderId}", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> result(@PathVariable String orderId) {
        if (!UUID_TEXT.matcher(orderId).matches()) {
            return LegacyAnswers.error(HttpStatus.NOT_FOUND, "order not found");
        }
        OrderView order;
        try {
            order = statuses.require(UUID.fromString(orderId));
            buyers.checkOwner(order);
        } catch (ApiException e) {
            return e.code() == ErrorCode.NOT_FOUND
                    ? LegacyAnswers.error(HttpStatus.NOT_FOUND, "order not found")
                    : LegacyAnswers.failed(e);
        }
        return ResponseEntity.ok(LegacyAnswers.result(order));
    }

    /**
     * A path id as the original's {@code strconv.Atoi} read it: a signed 64-bit decimal of ASCII
     * digits, else nothing ({@link Long#parseLong} alone would also take other scripts' digits, such
     * as a full-width "１００１").
     */
    static OptionalLong integer(String text) {
        if (!ASCII_INTEGER.matcher(text).matches()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static final Pattern ASCII_INTEGER = Pattern.compile("[+-]?[0-9]+");
}

package io.flashsale.admission;

import io.flashsale.shared.ApiException;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.ProblemDetailsAdvice;
import io.flashsale.shared.Role;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/orders", produces = MediaType.APPLICATION_JSON_VALUE)
@ConditionalOnRole(Role.API)
class OrderController {

    private final PurchaseAdmission admission;
    private final OrderStatusQuery statuses;
    private final BuyerIdentity buyers;

    OrderController(PurchaseAdmission admission, OrderStatusQuery statuses, BuyerIdentity buyers) {
        this.admission = admission;
        this.statuses = statuses;
        this.buyers = buyers;
    }

    /**
     * A refusal is answered here rather than thrown to the exception handlers: in a sale nearly
     * every answer is a refusal (SOLD_OUT), and resolving an exception handler for each took a fifth
     * of the CPU of such a request (ADR 0008).
     */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(
            responseCode = "202",
            description = "Admitted and queued",
            content = @Content(schema = @Schema(implementation = OrderAccepted.class)))
    ResponseEntity<?> place(
            @Valid @RequestBody PlaceOrder command,
            @RequestHeader(name = "Idempotency-Key", required = false)
                    @Pattern(regexp = "[\\x21-\\x7E]{1,128}", message = "must be 1 to 128 visible ASCII characters")
                    String idempotencyKey) {
        PlaceOrder order = command.forBuyer(buyers.buyerFor(command.userId()));
        OrderAccepted accepted;
        try {
            accepted = admission.admit(order, Optional.ofNullable(idempotencyKey));
        } catch (ApiException refused) {
            return ProblemDetailsAdvice.refusal(refused);
        }
        return ResponseEntity.accepted()
                .location(URI.create("/api/v1/orders/" + accepted.orderId()))
                .body(accepted);
    }

    @GetMapping("/{orderId}")
    OrderView show(@PathVariable UUID orderId) {
        OrderView order = statuses.require(orderId);
        buyers.checkOwner(order);
        return order;
    }
}

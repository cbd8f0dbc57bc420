package io.flashsale.sale;

import io.flashsale.shared.ApiException;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
@ConditionalOnRole(Role.API)
class SaleController {

    private final SaleCatalog catalog;

    SaleController(SaleCatalog catalog) {
        this.catalog = catalog;
    }

    @PostMapping(path = "/admin/sales", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<SaleView> create(@Valid @RequestBody CreateSale command) {
        Sale sale = catalog.create(command);
        return ResponseEntity.created(URI.create("/api/v1/sales/" + sale.id())).body(SaleView.of(sale));
    }

    /** Sales not ended yet (open now, or to come), the soonest start first; at most 100. */
    @GetMapping("/sales")
    SaleList list() {
        return new SaleList(catalog.openAndUpcoming().stream().map(SaleView::of).toList());
    }

    record SaleList(List<SaleView> sales) {}

    @GetMapping("/sales/{saleId}")
    SaleView show(@PathVariable @Positive long saleId) {
        return catalog.cachedSale(saleId)
                .map(SaleView::of)
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "No sale " + saleId));
    }
}

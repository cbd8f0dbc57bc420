package io.flashsale.admission.events;

import io.flashsale.admission.BuyerIdentity;
import io.flashsale.admission.OrderStatusQuery;
import io.flashsale.admission.OrderView;
import io.flashsale.sale.SaleCatalog;
import io.flashsale.sale.SaleItem;
import io.flashsale.shared.ApiException;
import io.flashsale.shared.ConditionalOnRole;
import io.flashsale.shared.ErrorCode;
import io.flashsale.shared.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.constraints.Positive;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Server-Sent Events: an order's status and an item's remaining units, pushed as they change
 * (docs/adr/0050). A reconnect names the last event it got in {@code Last-Event-ID} (browsers send
 * it on their own), or in the {@code lastEventId} query parameter for a client that opens a new
 * stream itself, and is sent only what differs from it.
 */
@RestController
@ConditionalOnRole(Role.API)
class EventStreamController {

    /** The longest id one of these streams writes (100 items of a sale), with room to spare. */
    private static final Pattern EVENT_ID = Pattern.compile("[\\x21-\\x7E]{1,4096}");

    private final EventStreams streams;
    private final OrderStatusQuery statuses;
    private final BuyerIdentity buyers;
    private final SaleCatalog catalog;

    EventStreamController(EventStreams streams, OrderStatusQuery statuses, BuyerIdentity buyers, SaleCatalog catalog) {
        this.streams = streams;
        this.statuses = statuses;
        this.buyers = buyers;
        this.catalog = catalog;
    }

    @GetMapping("/api/v1/orders/{orderId}/events")
    @Operation(
            summary = "The order's status, pushed as it changes (Server-Sent Events)",
            description =
                    """
            First event: the order as GET /api/v1/orders/{orderId} shows it, then each later status \
            (event `status`, id the status, data the order's JSON). With JWTs configured, only its buyer may read it.""")
    @ApiResponse(
            responseCode = "200",
            description = "The stream",
            content = @Content(mediaType = "text/event-stream", schema = @Schema(implementation = OrderView.class)))
    @ApiResponse(
            responseCode = "503",
            description =
                    "The instance has as many streams open as it takes: FLASHSALE_EVENTS_MAX_CONNECTIONS, or half its connection bound")
    SseEmitter order(
            @PathVariable UUID orderId,
            @Parameter(hidden = true) HttpServletResponse response,
            @Parameter(in = ParameterIn.HEADER, name = "Last-Event-ID")
                    @RequestHeader(name = "Last-Event-ID", required = false)
                    String lastEventId,
            @RequestParam(name = "lastEventId", required = false) String lastEventIdParameter) {
        SseEmitter emitter = streams.order(orderId, lastEventId(lastEventId, lastEventIdParameter), () -> {
            OrderView order = statuses.require(orderId);
            buyers.checkOwner(order);
            return order;
        });
        unbuffered(response);
        return emitter;
    }

    @GetMapping("/api/v1/items/{itemId}/events")
    @Operation(
            summary = "The units left of an item, pushed as they change (Server-Sent Events)",
            description =
                    """
            Event `stock` with data {"itemId": 1, "remaining": 97}: the units the gate may still admit, \
            null while the gate does not hold the item (not warmed up, being restored). First event: the figure now.""")
    @ApiResponse(responseCode = "200", description = "The stream", content = @Content(mediaType = "text/event-stream"))
    @ApiResponse(
            responseCode = "503",
            description =
                    "The instance has as many streams open as it takes: FLASHSALE_EVENTS_MAX_CONNECTIONS, or half its connection bound")
    SseEmitter item(
            @PathVariable @Positive long itemId,
            @Parameter(hidden = true) HttpServletResponse response,
            @Parameter(in = ParameterIn.HEADER, name = "Last-Event-ID")
                    @RequestHeader(name = "Last-Event-ID", required = false)
                    String lastEventId,
            @RequestParam(name = "lastEventId", required = false) String lastEventIdParameter) {
        SaleItem item = catalog.cachedItem(itemId)
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "No item " + itemId));
        SseEmitter emitter = streams.items(List.of(item.id()), lastEventId(lastEventId, lastEventIdParameter));
        unbuffered(response);
        return emitter;
    }

    @GetMapping("/api/v1/sales/{saleId}/events")
    @Operation(
            summary = "The units left of every item of a sale, on one stream (Server-Sent Events)",
            description =
                    """
            The events of GET /api/v1/items/{itemId}/events for each item of the sale, so that a page \
            showing a sale holds one connection rather than one per item.""")
    @ApiResponse(responseCode = "200", description = "The stream", content = @Content(mediaType = "text/event-stream"))
    @ApiResponse(
            responseCode = "503",
            description =
                    "The instance has as many streams open as it takes: FLASHSALE_EVENTS_MAX_CONNECTIONS, or half its connection bound")
    SseEmitter sale(
            @PathVariable @Positive long saleId,
            @Parameter(hidden = true) HttpServletResponse response,
            @Parameter(in = ParameterIn.HEADER, name = "Last-Event-ID")
                    @RequestHeader(name = "Last-Event-ID", required = false)
                    String lastEventId,
            @RequestParam(name = "lastEventId", required = false) String lastEventIdParameter) {
        List<Long> items = catalog
                .cachedSale(saleId)
                .orElseThrow(() -> new ApiException(ErrorCode.NOT_FOUND, "No sale " + saleId))
                .items()
                .stream()
                .map(SaleItem::id)
                .toList();
        SseEmitter emitter = streams.items(items, lastEventId(lastEventId, lastEventIdParameter));
        unbuffered(response);
        return emitter;
    }

    /** The header wins; a value this service cannot have written counts as none. */
    private static Optional<String> lastEventId(String header, String parameter) {
        return Optional.ofNullable(header != null ? header : parameter)
                .filter(id -> EVENT_ID.matcher(id).matches());
    }

    /** nginx and other proxies pass the events on as they come rather than in buffered blocks. */
    private static void unbuffered(HttpServletResponse response) {
        response.setHeader("X-Accel-Buffering", "no");
    }
}

package io.flashsale.sale;

import java.time.Instant;
import java.util.List;

public record Sale(long id, String name, Instant startsAt, Instant endsAt, SaleStatus status, List<SaleItem> items) {

    public boolean hasEnded(Instant now) {
        return !now.isBefore(endsAt);
    }
}

package io.flashsale.admission.gate;

/**
 * Hears from {@link StockAnnouncements} that the gate's verbs moved units of an item, on the
 * caller's thread, right after the change (in admission, the event streams' {@code LiveChanges},
 * which only notes the item and publishes it later). The gate owns the interface so that it
 * depends on nothing else in admission. An implementation must be quick and must not throw: it runs
 * on the purchase path.
 */
public interface StockListener {

    /** Units of this item ({@code itemId}) moved: bought, released, confirmed, loaded, repaired or returned. */
    void unitsMoved(long itemId);
}

package io.flashsale.orders;

public record BuyerKey(long itemId, String userId) {}

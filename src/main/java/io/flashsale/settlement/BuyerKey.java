package io.flashsale.settlement;

record BuyerKey(long itemId, String userId) {
}

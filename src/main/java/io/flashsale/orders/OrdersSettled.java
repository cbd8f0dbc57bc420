package io.flashsale.orders;

import java.util.List;

/**
 * Published after a batch has been committed and acknowledged: the outcome of every order in it,
 * including orders a redelivery found already settled, so that Redis can be brought in line.
 */
public record OrdersSettled(List<SettledOrder> orders) {}

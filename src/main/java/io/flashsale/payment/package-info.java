/**
 * After settlement: a CONFIRMED order is a hold its buyer pays within the payment window, or cancels;
 * unpaid holds are cancelled when the window closes. A payment and the timeout race for the same
 * row and PostgreSQL decides (one conditional UPDATE each); the units of a cancelled order go back
 * on sale exactly once, in PostgreSQL with the cancellation, then in the gate (restock.lua). The
 * cancellation of overdue holds is {@link io.flashsale.payment.UnitReturns#cancelOverdue()}; the
 * reconciler's leader calls it on its schedule ({@code recovery.PaymentTimeoutSweeper}).
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"shared", "sale", "orders", "admission::gate", "admission::buyer", "standby"})
package io.flashsale.payment;

/**
 * Standing orders: a buyer told "sold out" stands by for an item; units that come back (a timeout, a
 * cancellation) are offered to the buyers standing by, first come, first served, before anybody else
 * can buy them, and each buyer served gets an order that goes through the same gate, queue and
 * settlement as a purchase. Standing orders not served when the sale ends expire.
 */
@org.springframework.modulith.ApplicationModule(
        allowedDependencies = {"shared", "sale", "orders", "admission::gate", "admission::buyer"})
package io.flashsale.standby;

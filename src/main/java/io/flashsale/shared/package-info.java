/**
 * What every capability shares: the message that carries an order from admission to settlement,
 * order statuses, the error vocabulary of the HTTP API and the role switch.
 */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package io.flashsale.shared;

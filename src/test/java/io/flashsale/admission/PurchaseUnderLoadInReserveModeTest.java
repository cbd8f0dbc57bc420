package io.flashsale.admission;

/** Reserve is the default mode, so this shares the application context of the other tests. */
class PurchaseUnderLoadInReserveModeTest extends PurchaseUnderLoadScenario {}

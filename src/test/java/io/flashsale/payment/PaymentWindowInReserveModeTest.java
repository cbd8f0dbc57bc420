package io.flashsale.payment;

class PaymentWindowInReserveModeTest extends PaymentWindowScenario {}

package io.flashsale.payment;

import org.springframework.test.context.TestPropertySource;

@TestPropertySource(properties = "flashsale.gate.mode=check-only")
class PaymentWindowInCheckOnlyModeTest extends PaymentWindowScenario {}

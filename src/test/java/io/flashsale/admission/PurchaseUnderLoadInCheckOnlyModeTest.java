package io.flashsale.admission;

import org.springframework.test.context.TestPropertySource;

@TestPropertySource(properties = "flashsale.gate.mode=check-only")
class PurchaseUnderLoadInCheckOnlyModeTest extends PurchaseUnderLoadScenario {}

package io.flashsale.standby;

import org.springframework.test.context.TestPropertySource;

@TestPropertySource(properties = "flashsale.gate.mode=check-only")
class StandbyInCheckOnlyModeTest extends StandbyScenario {}

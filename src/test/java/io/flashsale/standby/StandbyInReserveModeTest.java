package io.flashsale.standby;

class StandbyInReserveModeTest extends StandbyScenario {}

package io.flashsale.bench.chaos;

/**
 * Faults between the app and RabbitMQ: one process's connections delayed, stalled or cut through
 * its own proxy, or the whole broker stopped and started ({@code rabbitmqctl stop_app}).
 */
final class BrokerFaults implements FaultHandler {

    private final ChaosCluster cluster;
    private final Broker broker;

    BrokerFaults(ChaosCluster cluster, Broker broker) {
        this.cluster = cluster;
        this.broker = broker;
    }

    @Override
    public void apply(Fault fault) {
        switch (fault.kind()) {
            case BROKER_DELAY -> {
                BrokerProxy proxy = cluster.member(fault.target()).proxy();
                proxy.delay(fault.param());
                FaultHandler.hold(fault);
                proxy.heal();
            }
            case BROKER_STALL -> {
                BrokerProxy proxy = cluster.member(fault.target()).proxy();
                proxy.stall();
                FaultHandler.hold(fault);
                proxy.heal();
            }
            case BROKER_CUT -> cluster.member(fault.target()).proxy().cut();
            case BROKER_RESTART -> {
                broker.stopApp();
                FaultHandler.hold(fault);
                broker.startApp();
            }
            default -> throw new IllegalArgumentException(fault.kind() + " is not a broker fault");
        }
    }
}

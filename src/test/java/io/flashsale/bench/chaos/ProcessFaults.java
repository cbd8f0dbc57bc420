package io.flashsale.bench.chaos;

/**
 * KILL and PAUSE of one app process. A killed process is started again after the drawn delay
 * without waiting for it to be ready: a process that starts while, say, the broker is stopped may
 * exit on its own, which the end of the run reports.
 */
final class ProcessFaults implements FaultHandler {

    private final ChaosCluster cluster;

    ProcessFaults(ChaosCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public void apply(Fault fault) {
        AppMember member = cluster.member(fault.target());
        switch (fault.kind()) {
            case KILL -> {
                member.kill();
                FaultHandler.hold(fault);
                member.start();
            }
            case PAUSE -> {
                member.pause();
                FaultHandler.hold(fault);
                member.resume();
            }
            default -> throw new IllegalArgumentException(fault.kind() + " is not a process fault");
        }
    }
}

package io.flashsale.bench.chaos;

/**
 * The kinds of fault the nemesis knows, with what each one targets and how long it may last
 * (a range the schedule draws from; 0 for an instant fault). See docs/CHAOS.md for why each one.
 */
enum FaultKind {
    /** SIGKILL of one process; it is started again after the drawn delay. */
    KILL(Target.PROCESS, 500, 4_000),
    /** SIGSTOP of one process, SIGCONT after the drawn time: a long GC pause or a frozen VM. */
    PAUSE(Target.PROCESS, 1_000, 8_000),
    /** Every chunk between one process and RabbitMQ waits (the parameter, in ms) for the drawn time. */
    BROKER_DELAY(Target.PROCESS, 2_000, 8_000),
    /** Nothing flows between one process and RabbitMQ for the drawn time; connections stay open. */
    BROKER_STALL(Target.PROCESS, 1_000, 8_000),
    /** Every connection between one process and RabbitMQ is closed at once. */
    BROKER_CUT(Target.PROCESS, 0, 0),
    /** {@code rabbitmqctl stop_app}, {@code start_app} after the drawn time. */
    BROKER_RESTART(Target.NONE, 2_000, 6_000),
    /** The keys of one item ({@code <prefix>:{item:<id>}:*}) deleted. */
    REDIS_ITEM_KEYS(Target.ITEM, 0, 0),
    /** FLUSHALL of the run's own Redis; on the shared one, every key under the run's prefix instead. */
    REDIS_FLUSH(Target.NONE, 0, 0),
    /** One Redis server killed and started again, empty (private Redis, or BENCH_CHAOS_REDIS_RESTART=1). */
    REDIS_RESTART(Target.REDIS_NODE, 0, 0),
    /** pg_terminate_backend of every connection to the run's database. */
    PG_TERMINATE(Target.NONE, 0, 0),
    /** One item's row held by {@code SELECT ... FOR UPDATE} in an open transaction for the drawn time. */
    PG_LOCK(Target.ITEM, 1_000, 6_000);

    enum Target {
        PROCESS,
        ITEM,
        REDIS_NODE,
        NONE
    }

    final Target target;
    final long minMs;
    final long maxMs;

    FaultKind(Target target, long minMs, long maxMs) {
        this.target = target;
        this.minMs = minMs;
        this.maxMs = maxMs;
    }
}

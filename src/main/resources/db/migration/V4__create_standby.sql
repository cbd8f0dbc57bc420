-- Standing orders: buyers told "sold out" wait for returned units, first come, first served (seq).
-- A WAITING row is served when the gate admits an order for it (order_id, derived from standby_id),
-- withdrawn by its buyer, or expired when the sale ends. At most one WAITING row per buyer and item.
CREATE TABLE standby (
    standby_id       uuid        PRIMARY KEY,
    seq              bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    item_id          bigint      NOT NULL REFERENCES flash_sale_items (id),
    user_id          text        NOT NULL CHECK (length(user_id) BETWEEN 1 AND 64),
    quantity         integer     NOT NULL CHECK (quantity >= 1),
    status           text        NOT NULL DEFAULT 'WAITING' CHECK (status IN ('WAITING', 'SERVED', 'EXPIRED', 'WITHDRAWN')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    ended_at         timestamptz,
    -- SERVED: the order made for the buyer, its reservation's deadline, when the unit it got came
    -- back (null if it was free in the gate), and when the broker confirmed the order's message
    order_id         uuid UNIQUE,
    order_deadline   timestamptz,
    unit_returned_at timestamptz,
    queued_at        timestamptz,
    CHECK ((status = 'WAITING') = (ended_at IS NULL)),
    CHECK ((status = 'SERVED') = (order_id IS NOT NULL))
);

CREATE UNIQUE INDEX standby_one_waiting_per_buyer ON standby (item_id, user_id) WHERE status = 'WAITING';
CREATE INDEX standby_waiting ON standby (item_id, seq) WHERE status = 'WAITING';
CREATE INDEX standby_unqueued ON standby (ended_at) WHERE status = 'SERVED' AND queued_at IS NULL;

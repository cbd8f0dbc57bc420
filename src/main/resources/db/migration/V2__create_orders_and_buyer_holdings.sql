-- One row per order, written once, by whoever settles it first (worker, dead-letter handler,
-- reconciler, or the API withdrawing an unconfirmed publish). PENDING orders live in Redis only.
CREATE TABLE orders (
    order_id       uuid        PRIMARY KEY,
    item_id        bigint      NOT NULL REFERENCES flash_sale_items (id),
    user_id        text        NOT NULL CHECK (length(user_id) BETWEEN 1 AND 64),
    quantity       integer     NOT NULL CHECK (quantity >= 1),
    status         text        NOT NULL CHECK (status IN ('CONFIRMED', 'FAILED', 'EXPIRED')),
    reason         text,
    created_at     timestamptz NOT NULL,
    settled_at     timestamptz NOT NULL DEFAULT now(),
    compensated_at timestamptz,
    CHECK ((status = 'CONFIRMED') = (reason IS NULL)),
    CHECK (status <> 'CONFIRMED' OR compensated_at IS NULL)
);

CREATE INDEX orders_item_id_user_id ON orders (item_id, user_id);
CREATE INDEX orders_item_id_status ON orders (item_id, status);

-- Confirmed units per buyer and item. The composite foreign key copies the item's per-user limit,
-- so the CHECK makes "more than the limit" impossible even if application code were wrong.
CREATE TABLE buyer_holdings (
    item_id        bigint  NOT NULL,
    user_id        text    NOT NULL,
    per_user_limit integer NOT NULL,
    units          integer NOT NULL CHECK (units BETWEEN 1 AND per_user_limit),
    PRIMARY KEY (item_id, user_id),
    FOREIGN KEY (item_id, per_user_limit) REFERENCES flash_sale_items (id, per_user_limit) ON UPDATE CASCADE
);

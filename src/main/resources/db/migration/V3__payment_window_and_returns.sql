-- A CONFIRMED order is a hold: it is PAID within its window (pay_by) or CANCELLED, and a cancelled
-- order's units go back on sale. Both transitions are one conditional UPDATE of the row
-- (WHERE status = 'CONFIRMED'), so a payment and the timeout of the same order cannot both win.
ALTER TABLE orders
    ADD COLUMN pay_by            timestamptz,
    ADD COLUMN paid_at           timestamptz,
    ADD COLUMN payment_reference text CHECK (length(payment_reference) BETWEEN 1 AND 128),
    ADD COLUMN cancelled_at      timestamptz;

ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders DROP CONSTRAINT orders_check;
ALTER TABLE orders DROP CONSTRAINT orders_check1;

ALTER TABLE orders
    ADD CONSTRAINT orders_status_check
        CHECK (status IN ('CONFIRMED', 'PAID', 'CANCELLED', 'FAILED', 'EXPIRED')),
    -- an order that holds units has no reason; every other one says why it holds none
    ADD CONSTRAINT orders_reason_check CHECK ((status IN ('CONFIRMED', 'PAID')) = (reason IS NULL)),
    -- compensated_at: the units went back to the Redis gate; never for an order that holds them
    ADD CONSTRAINT orders_compensated_check CHECK (status NOT IN ('CONFIRMED', 'PAID') OR compensated_at IS NULL),
    ADD CONSTRAINT orders_paid_check
        CHECK ((status = 'PAID') = (paid_at IS NOT NULL AND payment_reference IS NOT NULL)),
    ADD CONSTRAINT orders_paid_within_window_check CHECK (status <> 'PAID' OR pay_by IS NOT NULL),
    ADD CONSTRAINT orders_cancelled_check
        CHECK ((status = 'CANCELLED') = (cancelled_at IS NOT NULL)
               AND (status <> 'CANCELLED' OR (pay_by IS NOT NULL AND reason IN ('PAYMENT_TIMEOUT', 'BUYER_CANCELLED'))));

-- what the timeout sweeper reads: holds whose window has passed
CREATE INDEX orders_awaiting_payment ON orders (pay_by) WHERE status = 'CONFIRMED' AND pay_by IS NOT NULL;
-- returns whose Redis half is not done yet (a crash or a Redis error after the commit)
CREATE INDEX orders_returns_unfinished ON orders (cancelled_at) WHERE status = 'CANCELLED' AND compensated_at IS NULL;

-- Payments the application refused (too late, an order that is not payable, another reference on
-- a paid order). The money may have been taken by the payment provider: each row is a refund to make.
-- No foreign key: a payment for an order that has no row yet (still PENDING) is recorded too.
CREATE TABLE refused_payments (
    order_id          uuid        NOT NULL,
    payment_reference text        NOT NULL CHECK (length(payment_reference) BETWEEN 1 AND 128),
    reason            text        NOT NULL CHECK (reason IN ('PAYMENT_WINDOW_CLOSED', 'NOT_PAYABLE', 'ALREADY_PAID')),
    refused_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (order_id, payment_reference)
);

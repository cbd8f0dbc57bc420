-- A sale is a time window; its items carry the stock. PostgreSQL is the truth about stock:
-- available can never go below zero nor above what was put on sale.
CREATE TABLE flash_sales (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    starts_at  timestamptz NOT NULL,
    ends_at    timestamptz NOT NULL,
    status     text        NOT NULL DEFAULT 'SCHEDULED' CHECK (status IN ('SCHEDULED', 'WARMED_UP')),
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);

CREATE TABLE flash_sale_items (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sale_id        bigint         NOT NULL REFERENCES flash_sales (id),
    sku            text           NOT NULL CHECK (length(sku) BETWEEN 1 AND 64),
    name           text           NOT NULL,
    price          numeric(12, 2) NOT NULL CHECK (price >= 0),
    total_stock    integer        NOT NULL CHECK (total_stock >= 1),
    available      integer        NOT NULL CHECK (available >= 0),
    per_user_limit integer        NOT NULL CHECK (per_user_limit >= 1),
    CHECK (available <= total_stock),
    UNIQUE (sale_id, sku),
    -- lets buyer_holdings check its units against the item's limit with a plain foreign key
    UNIQUE (id, per_user_limit)
);

CREATE INDEX flash_sale_items_sale_id ON flash_sale_items (sale_id);

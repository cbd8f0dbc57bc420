-- confirm: records orders the database confirmed, each at most once.
-- KEYS[1] tokens  KEYS[2] buyers  KEYS[3] pending  KEYS[4] confirmed (set of the orderIds counted as sold)
-- KEYS[5] returned (set of the orderIds whose units went back on sale, see restock.lua)
-- ARGV[1] mode "reserve" | "check-only" (kept for callers; both modes do the same), then triples:
-- orderId, userId, quantity
-- An order still pending was counted at admission: its reservation becomes a sale. An order neither
-- pending nor confirmed was not counted yet (check-only mode, or its reservation was lost with
-- Redis and the item rebuilt without it): take its units and count its buyer now. Either way it
-- joins the confirmed set, so a repeat (redelivery, the reconciler's repair) changes nothing.
-- An order in the returned set was cancelled and its units given back: a confirm of it arriving
-- late (a sync delayed past the cancellation) counts nothing.
-- An item that is not loaded is left alone: the restore loads what the database confirmed.
-- Returns the number of orders applied now.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local applied = 0
for i = 2, #ARGV, 3 do
  local order, user, quantity = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  if redis.call('SISMEMBER', KEYS[5], order) == 0 then
    local wasPending = redis.call('HDEL', KEYS[3], order) == 1
    if redis.call('SADD', KEYS[4], order) == 1 then
      if not wasPending then
        redis.call('DECRBY', KEYS[1], quantity)
        redis.call('HINCRBY', KEYS[2], user, quantity)
      end
      applied = applied + 1
    end
  end
end
return applied

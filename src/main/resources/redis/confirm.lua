-- confirm: records orders the database confirmed, each at most once.
-- KEYS[1] tokens  KEYS[2] buyers  KEYS[3] pending  KEYS[4] confirmed (set of the orderIds counted as sold)
-- ARGV[1] mode "reserve" | "check-only" (kept for callers; both modes do the same), then triples:
-- orderId, userId, quantity
-- An order still pending was counted at admission: its reservation becomes a sale. An order neither
-- pending nor confirmed was not counted yet (check-only mode, or its reservation was lost with
-- Redis and the item rebuilt without it): take its units and count its buyer now. Either way it
-- joins the confirmed set, so a repeat (redelivery, the reconciler's repair) changes nothing.
-- An item that is not loaded is left alone: the restore loads what the database confirmed.
-- Returns the number of orders applied now.
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local applied = 0
for i = 2, #ARGV, 3 do
  local order, user, quantity = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local wasPending = redis.call('HDEL', KEYS[3], order) == 1
  if redis.call('SADD', KEYS[4], order) == 1 then
    if not wasPending then
      redis.call('DECRBY', KEYS[1], quantity)
      redis.call('HINCRBY', KEYS[2], user, quantity)
    end
    applied = applied + 1
  end
end
return applied

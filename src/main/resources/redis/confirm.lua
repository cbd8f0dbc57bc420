-- confirm: records orders the database confirmed, each at most once.
-- KEYS[1] tokens  KEYS[2] buyers  KEYS[3] pending  KEYS[4] confirmed (set of orderIds, check-only mode)
-- ARGV[1] mode "reserve" | "check-only", then triples: orderId, userId, quantity
-- reserve:    the reservation has become a sale: drop it from pending (units were taken at admission).
-- check-only: take the units and count the buyer now; the confirmed set makes a repeat harmless.
-- Returns the number of orders applied now.
local applied = 0
for i = 2, #ARGV, 3 do
  local order, user, quantity = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  if ARGV[1] == 'reserve' then
    applied = applied + redis.call('HDEL', KEYS[3], order)
  elseif redis.call('SADD', KEYS[4], order) == 1 then
    redis.call('DECRBY', KEYS[1], quantity)
    redis.call('HINCRBY', KEYS[2], user, quantity)
    applied = applied + 1
  end
end
return applied

-- repair: sets an item's tokens to PostgreSQL's available, only if nothing moved since it was measured.
-- KEYS[1] tokens  KEYS[2] pending  KEYS[3] confirmed
-- ARGV[1] the tokens measured  ARGV[2] PostgreSQL's CONFIRMED orders of the item  ARGV[3] PostgreSQL's available
-- Applies only when no reservation is pending and the confirmed set holds as many orders as
-- PostgreSQL confirmed (read in one snapshot with available): then every unit is either sold and
-- counted on both sides, or free on both sides, and available is the right count. An order that
-- settles after the snapshot is counted by confirm.lua against the repaired value, as it would have
-- been against the old one. Any reservation, release or confirm in between changes the tokens or
-- the pending hash, and the repair does nothing. Returns 1 if it set the tokens, else 0.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if redis.call('HLEN', KEYS[2]) ~= 0 then return 0 end
if redis.call('SCARD', KEYS[3]) ~= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[3])
return 1

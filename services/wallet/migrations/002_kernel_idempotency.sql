-- Idempotency is one kernel mechanism now (@pcf/kernel db/idempotent-operations.ts): operation records live in the
-- kernel's wallet.idempotency_keys (reshaped by k002_idempotent_operations), with the same columns. Every record is
-- kept, so a retry of an operation made before this migration still replays its result: its request hash (SHA-256
-- of the request's JSON.stringify, not of its canonical JSON) is marked 'json:', which operations.ts still accepts.
INSERT INTO wallet.idempotency_keys (scope, key, request_hash, result, created_at)
SELECT scope, key, 'json:' || request_hash, result, created_at FROM wallet.operations;
DROP TABLE wallet.operations;

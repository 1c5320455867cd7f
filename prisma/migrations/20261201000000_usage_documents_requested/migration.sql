-- Documents served and documents requested, apart: a refused (429) or failed call serves none,
-- so a bill summed from "documents" never charges it. Rows written before this kept the
-- requested count in "documents" whatever the outcome: it moves to "documents_requested",
-- and calls that were not answered keep 0 served.
ALTER TABLE "usage_rollups" ADD COLUMN "documents_requested" BIGINT NOT NULL DEFAULT 0;

UPDATE "usage_rollups" SET "documents_requested" = "documents";
UPDATE "usage_rollups" SET "documents" = 0 WHERE "outcome" NOT IN ('ok', 'degraded');

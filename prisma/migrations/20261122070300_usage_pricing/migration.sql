-- AlterTable
ALTER TABLE "rerankers" ADD COLUMN "pricing" JSONB;

-- CreateTable
CREATE TABLE "usage_rollups" (
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "owner_id" UUID NOT NULL,
    "api_key_id" UUID NOT NULL,
    "reranker_id" TEXT NOT NULL,
    "alias_name" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "calls" BIGINT NOT NULL,
    "documents" BIGINT NOT NULL,
    "upstream_requests" BIGINT NOT NULL,
    "search_units" BIGINT NOT NULL,
    "tokens" BIGINT NOT NULL,
    "cost" DECIMAL(38,15) NOT NULL,
    "latency_ms_sum" DOUBLE PRECISION NOT NULL,
    "latency_ms_max" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "usage_rollups_pkey" PRIMARY KEY ("minute","owner_id","api_key_id","reranker_id","alias_name","outcome","currency")
);

-- CreateIndex
CREATE INDEX "usage_rollups_owner_id_minute_idx" ON "usage_rollups"("owner_id", "minute");

-- CreateIndex
CREATE INDEX "usage_rollups_api_key_id_minute_idx" ON "usage_rollups"("api_key_id", "minute");

-- CreateIndex
CREATE INDEX "usage_rollups_reranker_id_minute_idx" ON "usage_rollups"("reranker_id", "minute");

-- DropIndex
DROP INDEX "rerankers_identity_key";

-- AlterTable
ALTER TABLE "rerankers" ADD COLUMN     "credentials_set_by_id" UUID,
ADD COLUMN     "identity_hash" TEXT,
ADD COLUMN     "revision" INTEGER NOT NULL DEFAULT 1;

-- Backfill: SHA-256 of the identity as a JSON array of strings, exactly as the service computes it
UPDATE "rerankers" SET "identity_hash" = encode(sha256(convert_to(array_to_json(ARRAY[
    "owner_id"::text, "provider_type"::text, "endpoint_url", "api_path", "model_identifier", "credentials_fingerprint"
])::text, 'UTF8')), 'hex');

-- Backfill: a row nobody but its creator ever wrote has the creator's credential
UPDATE "rerankers" SET "credentials_set_by_id" = "created_by_id"
WHERE "credentials" IS NOT NULL AND "created_by_id" = "updated_by_id";

-- AlterTable
ALTER TABLE "rerankers" ALTER COLUMN "identity_hash" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "rerankers_identity_hash_key" ON "rerankers"("identity_hash");

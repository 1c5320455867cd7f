-- CreateEnum
CREATE TYPE "ProviderType" AS ENUM ('OPENAI', 'VLLM', 'TEI', 'LLAMA_CPP', 'VOYAGE', 'COHERE', 'JINA');

-- CreateEnum
CREATE TYPE "Modality" AS ENUM ('TEXT', 'IMAGE', 'AUDIO', 'VIDEO');

-- CreateTable
CREATE TABLE "rerankers" (
    "id" UUID NOT NULL,
    "owner_id" UUID NOT NULL,
    "display_name" TEXT NOT NULL,
    "description" TEXT,
    "provider_type" "ProviderType" NOT NULL,
    "endpoint_url" TEXT NOT NULL,
    "api_path" TEXT NOT NULL,
    "model_identifier" TEXT NOT NULL,
    "supported_modalities" "Modality"[] DEFAULT ARRAY['TEXT']::"Modality"[],
    "credentials" JSONB,
    "credentials_ciphertext" TEXT,
    "credentials_key_id" TEXT,
    "credentials_fingerprint" TEXT NOT NULL DEFAULT '',
    "labels" JSONB NOT NULL DEFAULT '{}',
    "version" TEXT,
    "monitoring_endpoint" TEXT,
    "request_timeout_ms" INTEGER,
    "max_documents_per_request" INTEGER,
    "extra_headers" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by_id" UUID NOT NULL,
    "updated_by_id" UUID NOT NULL,

    CONSTRAINT "rerankers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "rerankers_owner_id_created_at_id_idx" ON "rerankers"("owner_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "rerankers_created_at_id_idx" ON "rerankers"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "rerankers_identity_key" ON "rerankers"("owner_id", "provider_type", "endpoint_url", "api_path", "model_identifier", "credentials_fingerprint");

-- AddForeignKey
ALTER TABLE "rerankers" ADD CONSTRAINT "rerankers_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

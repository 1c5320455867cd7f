-- CreateEnum
CREATE TYPE "ScoreNormalization" AS ENUM ('NONE', 'SIGMOID');

-- AlterTable
ALTER TABLE "rerankers" ADD COLUMN "max_tokens_per_request" INTEGER,
ADD COLUMN "score_normalization" "ScoreNormalization" NOT NULL DEFAULT 'NONE';

-- llama.cpp answers raw logits: existing llama.cpp rerankers get the new default too.
UPDATE "rerankers" SET "score_normalization" = 'SIGMOID' WHERE "provider_type" = 'LLAMA_CPP';

-- Built-in provider types (issue 20): rankers that run inside the service.
ALTER TYPE "ProviderType" ADD VALUE 'LEXICAL';
ALTER TYPE "ProviderType" ADD VALUE 'LOCAL';

-- LEXICAL's BM25 tuning.
ALTER TABLE "rerankers" ADD COLUMN "lexical" JSONB;

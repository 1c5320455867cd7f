-- CreateEnum
CREATE TYPE "AliasStrategy" AS ENUM ('FALLBACK', 'WEIGHTED');

-- CreateEnum
CREATE TYPE "LastResort" AS ENUM ('LEXICAL');

-- CreateTable
CREATE TABLE "aliases" (
    "id" UUID NOT NULL,
    "owner_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "strategy" "AliasStrategy" NOT NULL DEFAULT 'FALLBACK',
    "last_resort" "LastResort",
    "labels" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by_id" UUID NOT NULL,
    "updated_by_id" UUID NOT NULL,

    CONSTRAINT "aliases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alias_targets" (
    "alias_id" UUID NOT NULL,
    "reranker_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "weight" INTEGER NOT NULL DEFAULT 1,
    "priority" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "alias_targets_pkey" PRIMARY KEY ("alias_id","reranker_id")
);

-- CreateIndex
CREATE INDEX "aliases_owner_id_created_at_id_idx" ON "aliases"("owner_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "aliases_created_at_id_idx" ON "aliases"("created_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "aliases_owner_id_name_key" ON "aliases"("owner_id", "name");

-- CreateIndex
CREATE INDEX "alias_targets_reranker_id_idx" ON "alias_targets"("reranker_id");

-- AddForeignKey
ALTER TABLE "aliases" ADD CONSTRAINT "aliases_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alias_targets" ADD CONSTRAINT "alias_targets_alias_id_fkey" FOREIGN KEY ("alias_id") REFERENCES "aliases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alias_targets" ADD CONSTRAINT "alias_targets_reranker_id_fkey" FOREIGN KEY ("reranker_id") REFERENCES "rerankers"("id") ON DELETE NO ACTION ON UPDATE CASCADE;

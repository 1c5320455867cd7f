-- AlterTable
ALTER TABLE "rerankers" ADD COLUMN "name" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "rerankers_owner_id_name_key" ON "rerankers"("owner_id", "name");

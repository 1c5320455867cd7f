-- AlterTable
ALTER TABLE "aliases" ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 1;

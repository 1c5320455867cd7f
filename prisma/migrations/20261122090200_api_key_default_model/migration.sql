-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN "default_model" TEXT;

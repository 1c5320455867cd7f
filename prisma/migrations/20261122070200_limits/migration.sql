-- CreateEnum
CREATE TYPE "LimitSubject" AS ENUM ('USER', 'APIKEY');

-- CreateTable
CREATE TABLE "limits" (
    "subject" "LimitSubject" NOT NULL,
    "subject_id" UUID NOT NULL,
    "requests_per_minute" INTEGER,
    "documents_per_minute" INTEGER,
    "concurrent_calls" INTEGER,
    "monthly_documents" BIGINT,
    "monthly_cost" DECIMAL(65,30),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_by_id" UUID NOT NULL,

    CONSTRAINT "limits_pkey" PRIMARY KEY ("subject","subject_id")
);

-- AlterEnum
ALTER TYPE "ProviderType" ADD VALUE 'DEEPINFRA';

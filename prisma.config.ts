import { defineConfig } from 'prisma/config';

// DATABASE_URL is optional: without it the service runs on embedded PGlite and applies
// migrations itself (see src/database/migrations). Only `prisma migrate status` reads it.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
});

import { randomUUID } from 'node:crypto';
import { PrismaService } from '../src/database/prisma.service.js';
import { createTestDatabase } from './support/test-database.js';
import { startTestApp } from './support/test-app.js';

describe('restart', () => {
  it('keeps the data written before a restart, and does not re-apply migrations', async () => {
    const db = await createTestDatabase({ migrated: false });
    const email = `restart-${randomUUID()}@example.com`;
    try {
      const first = await startTestApp({}, db);
      await first.app.get(PrismaService).user.create({ data: { id: randomUUID(), email, displayName: 'Restart' } });
      await first.stop();
      expect(first.logs.text).toContain('migrations applied');

      const second = await startTestApp({}, db);
      try {
        const found = await second.app.get(PrismaService).user.findUnique({ where: { email } });
        expect(found?.displayName).toBe('Restart');
        expect(second.logs.text).toContain('database schema up to date');
      } finally {
        await second.stop();
      }
    } finally {
      await db.drop();
    }
  });
});

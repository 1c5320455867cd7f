import { PrismaService } from '../../src/database/prisma.service.js';
import { Prisma } from '../../src/generated/prisma/client.js';
import type { TestApp } from './test-app.js';

/** Copies a user and their API keys (hashes included) to another instance's database: one caller known to both. */
export async function mirrorUser(from: TestApp, to: TestApp, userId: string): Promise<void> {
  const { apiKeys, ...user } = await from.app.get(PrismaService).user.findUniqueOrThrow({ where: { id: userId }, include: { apiKeys: true } });
  const target = to.app.get(PrismaService);
  await target.user.create({ data: user });
  await target.apiKey.createMany({
    data: apiKeys.map((key) => ({ ...key, labels: key.labels as Prisma.InputJsonValue, scopes: key.scopes === null ? Prisma.DbNull : (key.scopes as Prisma.InputJsonValue) })),
  });
}

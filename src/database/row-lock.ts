import { Prisma } from '../generated/prisma/client.js';
import type { Tx } from './transactions.js';

/** Tables whose rows an audited update locks before reading them. */
export type LockableTable = 'users' | 'rerankers' | 'aliases';

/**
 * Locks a row until the transaction ends (`SELECT ... FOR UPDATE`): what the transaction
 * reads next is exactly what its update changes, so an audit diff's "before" is never a
 * concurrent writer's state. Prisma has no locking read of its own.
 */
export async function lockRow(tx: Tx, table: LockableTable, id: string): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM ${Prisma.raw(`"${table}"`)} WHERE "id" = ${id}::uuid FOR UPDATE`;
}

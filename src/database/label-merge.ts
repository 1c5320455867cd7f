import { Prisma } from '../generated/prisma/client.js';
import { MAX_LABELS, type Labels } from '../common/validation/labels.js';

/** Tables whose rows carry a `labels` jsonb column. */
export type LabelledTable = 'rerankers' | 'aliases';

/** A merge would pass MAX_LABELS: nothing was written; the caller's transaction rolls back. */
export class LabelLimitReached extends Error {}

/**
 * Merges `labels` into a row's stored labels in one SQL statement, on the row as it is at
 * that moment, so concurrent merges all land (no read-modify-write). Returns the merged
 * labels; throws LabelLimitReached when the result would pass MAX_LABELS (or the row is gone).
 */
export async function mergeLabelsAtomically(tx: Prisma.TransactionClient, table: LabelledTable, id: string, labels: Labels): Promise<Labels> {
  const json = JSON.stringify(labels);
  const rows = await tx.$queryRaw<Array<{ labels: Labels }>>`
    UPDATE ${Prisma.raw(`"${table}"`)} SET "labels" = "labels" || ${json}::jsonb
    WHERE "id" = ${id}::uuid
      AND (SELECT count(*) FROM jsonb_object_keys("labels" || ${json}::jsonb)) <= ${MAX_LABELS}
    RETURNING "labels"`;
  if (rows.length === 0) throw new LabelLimitReached();
  return rows[0]!.labels;
}

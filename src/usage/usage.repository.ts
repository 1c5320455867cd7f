import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service.js';
import { Prisma } from '../generated/prisma/client.js';
import { formatAmount, parseAmount } from './money.js';
import type { Rollup } from './usage-record.js';

/** Whose usage: a caller, one of their keys, or a reranker (every caller's). */
export type UsageSubject = { readonly ownerId: string } | { readonly apiKeyId: string } | { readonly rerankerId: string };

export type Granularity = 'minute' | 'hour' | 'day';
export type UsageGroupBy = 'reranker' | 'alias' | 'apiKey' | 'owner';

/** Sums over stored rollups of one currency ('' unpriced). */
export interface CurrencyTotals {
  readonly currency: string;
  readonly calls: number;
  readonly documents: number;
  readonly cost: bigint;
}

/** One bucket x group x outcome x currency of a usage report. */
export interface ReportRow {
  readonly bucket: Date;
  readonly group: string;
  readonly outcome: string;
  readonly currency: string;
  readonly calls: number;
  readonly documents: number;
  readonly documentsRequested: number;
  readonly upstreamRequests: number;
  readonly searchUnits: number;
  readonly tokens: number;
  readonly cost: bigint;
  readonly latencyMsSum: number;
  readonly latencyMsMax: number;
}

/** What a key narrowed by rerankerIds or aliases may read: its own calls, and calls on its rerankers through its aliases (or none). */
export interface UsageView {
  readonly apiKeyId: string;
  /** Absent: any reranker. */
  readonly rerankerIds?: readonly string[];
  /** Absent: any alias. */
  readonly aliases?: readonly string[];
}

export interface ReportQuery {
  readonly from: Date;
  readonly to: Date;
  readonly granularity: Granularity;
  readonly groupBy?: UsageGroupBy;
  /** undefined: every owner (ANY). */
  readonly ownerId?: string;
  /** Only calls through this alias. */
  readonly alias?: string;
  /** Set for a narrowed key: only the rows in its view. */
  readonly view?: UsageView;
  readonly limit: number;
}

const SUBJECT_COLUMNS = { ownerId: 'owner_id', apiKeyId: 'api_key_id', rerankerId: 'reranker_id' } as const;
const GROUP_COLUMNS: Readonly<Record<UsageGroupBy, string>> = {
  reranker: 'reranker_id',
  alias: 'alias_name',
  apiKey: 'api_key_id::text',
  owner: 'owner_id::text',
};

/** A narrowed key's rows: its own, or on its rerankers through one of its aliases or none. An empty list allows nothing. */
function inView(view: UsageView): Prisma.Sql {
  const among = (column: string, values: readonly string[]) =>
    values.length === 0 ? Prisma.sql`FALSE` : Prisma.sql`${Prisma.raw(`"${column}"`)} IN (${Prisma.join(values)})`;
  const reranker = view.rerankerIds ? among('reranker_id', view.rerankerIds) : Prisma.sql`TRUE`;
  const alias = view.aliases ? Prisma.sql`("alias_name" = '' OR ${among('alias_name', view.aliases)})` : Prisma.sql`TRUE`;
  return Prisma.sql`("api_key_id" = ${view.apiKeyId}::uuid OR (${reranker} AND ${alias}))`;
}

/** Sums come back as text: bigint and numeric sums exceed what the drivers give as numbers. */
type TextSums<T> = { [K in keyof T]: T[K] extends number | bigint ? string : T[K] };

@Injectable()
export class UsageRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Adds rollups to their rows in one statement: each row's counts and cost are added to
   * what is stored, so instances that write the same minute, and a batch written again,
   * sum instead of overwriting. Callers sort the rows, so concurrent writers lock rows in
   * the same order and cannot deadlock.
   */
  async add(rollups: readonly Rollup[]): Promise<void> {
    const values = rollups.map(
      (r) => Prisma.sql`(${new Date(r.minute)}::timestamptz, ${r.ownerId}::uuid, ${r.apiKeyId}::uuid, ${r.rerankerId}, ${r.aliasName}, ${r.outcome},
        ${r.currency}, ${r.calls}, ${r.documents}, ${r.documentsRequested}, ${r.upstreamRequests}, ${r.searchUnits}, ${r.tokens},
        ${formatAmount(r.cost)}::numeric, ${r.latencyMsSum}, ${r.latencyMsMax})`,
    );
    await this.prisma.$executeRaw`
      INSERT INTO "usage_rollups" ("minute", "owner_id", "api_key_id", "reranker_id", "alias_name", "outcome", "currency", "calls", "documents",
        "documents_requested", "upstream_requests", "search_units", "tokens", "cost", "latency_ms_sum", "latency_ms_max")
      VALUES ${Prisma.join(values)}
      ON CONFLICT ("minute", "owner_id", "api_key_id", "reranker_id", "alias_name", "outcome", "currency") DO UPDATE SET
        "calls" = "usage_rollups"."calls" + excluded."calls",
        "documents" = "usage_rollups"."documents" + excluded."documents",
        "documents_requested" = "usage_rollups"."documents_requested" + excluded."documents_requested",
        "upstream_requests" = "usage_rollups"."upstream_requests" + excluded."upstream_requests",
        "search_units" = "usage_rollups"."search_units" + excluded."search_units",
        "tokens" = "usage_rollups"."tokens" + excluded."tokens",
        "cost" = "usage_rollups"."cost" + excluded."cost",
        "latency_ms_sum" = "usage_rollups"."latency_ms_sum" + excluded."latency_ms_sum",
        "latency_ms_max" = GREATEST("usage_rollups"."latency_ms_max", excluded."latency_ms_max")`;
  }

  /** Calls, documents and cost per currency of one subject since a time: one query on the subject's (column, minute) index. */
  async totalsSince(subject: UsageSubject, since: Date): Promise<CurrencyTotals[]> {
    const [field, id] = Object.entries(subject)[0] as [keyof typeof SUBJECT_COLUMNS, string];
    const column = Prisma.raw(`"${SUBJECT_COLUMNS[field]}"`);
    const rows = await this.prisma.$queryRaw<Array<TextSums<CurrencyTotals>>>`
      SELECT "currency", sum("calls")::text AS "calls", sum("documents")::text AS "documents", sum("cost")::text AS "cost"
        FROM "usage_rollups"
       WHERE ${column} = ${field === 'rerankerId' ? Prisma.sql`${id}` : Prisma.sql`${id}::uuid`} AND "minute" >= ${since}::timestamptz
       GROUP BY "currency"`;
    return rows.map((row) => ({ currency: row.currency, calls: Number(row.calls), documents: Number(row.documents), cost: parseAmount(row.cost) }));
  }

  /**
   * Minute rollups summed into buckets (date_trunc in UTC) per group, outcome and currency,
   * oldest first; at most `limit` rows.
   */
  async report(query: ReportQuery): Promise<ReportRow[]> {
    const group = query.groupBy ? Prisma.raw(GROUP_COLUMNS[query.groupBy]) : Prisma.sql`''`;
    const owner = query.ownerId ? Prisma.sql`AND "owner_id" = ${query.ownerId}::uuid` : Prisma.empty;
    const alias = query.alias !== undefined ? Prisma.sql`AND "alias_name" = ${query.alias}` : Prisma.empty;
    const view = query.view ? Prisma.sql`AND ${inView(query.view)}` : Prisma.empty;
    const rows = await this.prisma.$queryRaw<Array<TextSums<ReportRow>>>`
      SELECT date_trunc(${query.granularity}, "minute", 'UTC') AS "bucket", ${group} AS "group", "outcome", "currency",
             sum("calls")::text AS "calls", sum("documents")::text AS "documents", sum("documents_requested")::text AS "documentsRequested",
             sum("upstream_requests")::text AS "upstreamRequests",
             sum("search_units")::text AS "searchUnits", sum("tokens")::text AS "tokens", sum("cost")::text AS "cost",
             sum("latency_ms_sum")::text AS "latencyMsSum", max("latency_ms_max")::text AS "latencyMsMax"
        FROM "usage_rollups"
       WHERE "minute" >= ${query.from}::timestamptz AND "minute" < ${query.to}::timestamptz ${owner} ${alias} ${view}
       GROUP BY 1, 2, 3, 4
       ORDER BY 1, 2, 3, 4
       LIMIT ${query.limit}`;
    return rows.map((row) => ({
      bucket: new Date(row.bucket),
      group: row.group,
      outcome: row.outcome,
      currency: row.currency,
      calls: Number(row.calls),
      documents: Number(row.documents),
      documentsRequested: Number(row.documentsRequested),
      upstreamRequests: Number(row.upstreamRequests),
      searchUnits: Number(row.searchUnits),
      tokens: Number(row.tokens),
      cost: parseAmount(row.cost),
      latencyMsSum: Number(row.latencyMsSum),
      latencyMsMax: Number(row.latencyMsMax),
    }));
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import { DomainError } from '../common/errors/domain-error.js';
import { loggableError } from '../common/errors/loggable-error.js';
import { LOGGER } from '../common/logging/logger.token.js';
import type { LimitSubject } from '../generated/prisma/enums.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { calendarMonth, secondsLeft, type CalendarMonth } from './calendar-month.js';
import { CounterStore, type Count, type CounterKind, type StoreStatus } from './counter-store.js';
import { COST_DECIMALS, type LimitValues } from '../config/limits-config.js';
import { LIMIT_NAMES, type LimitName } from './limit-values.js';
import { LimitsDirectory } from './limits-directory.js';

/** Header values for a reply: the IETF RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (seconds). */
export type RateLimitHeaders = Readonly<Record<string, string>>;

/** An admitted call: the headers its reply carries, and its concurrency slots to free. */
export interface Admission {
  readonly headers: RateLimitHeaders;
  /** Frees the call's concurrency slots; call it once the call is over, whatever its outcome (later calls do nothing). */
  release(): void;
}

/** What a finished call spent, for the monthly quotas. */
export interface CallUsage {
  readonly documents: number;
  /** In the cost unit of the usage meter; none when the reranker has no pricing. */
  readonly cost?: number;
}

/** One limit's state for a reader: `remaining` null when unlimited; `resetsAt` (epoch ms) null when nothing is counted or the count has no window. */
export interface LimitUsage {
  readonly limit: number;
  readonly used: number;
  readonly remaining: number | null;
  readonly resetsAt: number | null;
}

export interface UsageSnapshot {
  /** The calendar month (UTC) the monthly quotas count, `YYYY-MM`. */
  readonly month: string;
  readonly limits: Readonly<Record<LimitName, LimitUsage>>;
}

interface Subject {
  readonly kind: LimitSubject;
  /** Counter key: `k:<key id>` or `u:<user id>`. */
  readonly key: string;
  readonly limits: LimitValues;
}

type ChargedKind = Extract<CounterKind, 'requests' | 'documents' | 'concurrent'>;
type QuotaKind = Extract<CounterKind, 'monthlyDocuments' | 'monthlyCost'>;

/** Points taken from a counter for an admitted (or refused, then refunded) call. */
interface Charge {
  readonly kind: ChargedKind;
  readonly subject: Subject;
  readonly points: number;
  readonly limit: number;
  readonly count: Count;
}

/** What RateLimit-* headers report: one limit, what is left of it, seconds until its window resets. */
interface Policy {
  readonly limit: number;
  readonly remaining: number;
  readonly resetSeconds: number;
}

const CHARGED: ReadonlyArray<{ readonly kind: ChargedKind; readonly limit: LimitName; readonly words: string }> = [
  { kind: 'requests', limit: 'requestsPerMinute', words: 'requests per minute' },
  { kind: 'documents', limit: 'documentsPerMinute', words: 'documents per minute' },
  { kind: 'concurrent', limit: 'concurrentCalls', words: 'concurrent calls' },
];

const QUOTAS: ReadonlyArray<{ readonly kind: QuotaKind; readonly limit: LimitName; readonly words: string }> = [
  { kind: 'monthlyDocuments', limit: 'monthlyDocuments', words: 'documents' },
  { kind: 'monthlyCost', limit: 'monthlyCost', words: 'cost' },
];

/** A refused concurrent call may try again about this soon: slots free as calls end. */
const CONCURRENCY_RETRY_MS = 1_000;
const COST_SCALE = 10 ** COST_DECIMALS;

const UNLIMITED: Admission = { headers: {}, release: () => undefined };

/**
 * Rate limits and monthly quotas of a call, for its API key and for the key's owner (both
 * apply; a key is held by its own limits and its owner's). Limits come from memory
 * (LimitsDirectory), counts from the CounterStore (in process, or one Redis round trip per
 * subject that has limits; none when neither has any).
 *
 * A refused call counts nowhere: the points it took are given back, from the limiter that
 * refused it and from every other one. The key's counters are taken before the owner's, so
 * the owner is never charged for a call its key refuses, and one key's calls are admitted
 * exactly up to a limit shared by instances.
 */
@Injectable()
export class RateLimits {
  constructor(
    private readonly directory: LimitsDirectory,
    private readonly store: CounterStore,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Where the counters live and whether that store answers (for readiness reports). */
  get storeStatus(): StoreStatus {
    return this.store.status;
  }

  /**
   * Admits a call of `documents` documents, or throws: RATE_LIMITED (429, Retry-After and
   * RateLimit-* headers), QUOTA_EXCEEDED (429 until the month ends), INVALID_ARGUMENT when the
   * call alone is larger than a documents-per-minute limit, UNAVAILABLE when the store is down
   * and configured to fail closed.
   */
  async admit(principal: Principal, documents: number): Promise<Admission> {
    const subjects = this.subjectsOf(principal);
    // From memory in steady state: no promise to wait for.
    const [key, owner] = subjects instanceof Promise ? await subjects : subjects;
    if (isUnlimited(key.limits) && isUnlimited(owner.limits)) return UNLIMITED;
    refuseLargerThanAMinute(key, documents);
    refuseLargerThanAMinute(owner, documents);
    const quotas = this.checkQuotas([key, owner], documents);
    let keyCharges: Charge[];
    try {
      keyCharges = await this.charge(key, documents);
    } catch (error) {
      // A spent quota is the better answer: waiting a minute would not help.
      if (quotas) await quotas;
      throw error;
    }
    let ownerCharges: Charge[];
    try {
      if (quotas) await quotas;
      ownerCharges = await this.charge(owner, documents);
    } catch (error) {
      this.refund(keyCharges);
      throw error;
    }
    const charges = [...keyCharges, ...ownerCharges];
    let released = false;
    return {
      headers: headersOf(tightest(charges.filter(isWindowed).map((charge) => policyOf(charge, false)))),
      release: () => {
        if (released) return;
        released = true;
        for (const charge of charges) if (charge.kind === 'concurrent') this.store.subtract('concurrent', charge.subject.key, 1);
      },
    };
  }

  /**
   * Counts a finished call against the monthly quotas of its key and owner (those that have
   * one), in the background; never fails. Without a quota it returns at once, from memory.
   */
  consume(principal: Principal, usage: CallUsage): void {
    const subjects = this.subjectsOf(principal);
    if (!(subjects instanceof Promise) && !subjects.some(hasQuota)) return;
    void this.countAgainstQuotas(principal, subjects, usage);
  }

  /** Resolves once the call is counted (or the count was given up, with a warning). */
  private async countAgainstQuotas(principal: Principal, pending: [Subject, Subject] | Promise<[Subject, Subject]>, usage: CallUsage): Promise<void> {
    try {
      const subjects = await pending;
      const now = Date.now();
      const month = calendarMonth(now);
      const spent: Record<QuotaKind, number> = { monthlyDocuments: usage.documents, monthlyCost: Math.round((usage.cost ?? 0) * COST_SCALE) };
      for (const subject of subjects) {
        for (const { kind, limit } of QUOTAS) {
          if (subject.limits[limit] > 0 && spent[kind] > 0) await this.store.add(kind, monthKey(subject, month), spent[kind], secondsLeft(month, now));
        }
      }
    } catch (error) {
      // The call was served; a count lost to a failing store (already reported) or database errs on the lenient side.
      this.logger.warn({ err: loggableError(error), apiKeyId: principal.apiKeyId }, 'could not count a call against the monthly quotas');
    }
  }

  /** A subject's limits with what is used and left of each, now. */
  async usage(kind: LimitSubject, id: string, limits: LimitValues): Promise<UsageSnapshot> {
    const now = Date.now();
    const month = calendarMonth(now);
    const subject: Subject = { kind, key: counterKey(kind, id), limits };
    const read = async (counter: CounterKind, limit: LimitName): Promise<LimitUsage> => {
      const quota = counter === 'monthlyDocuments' || counter === 'monthlyCost';
      const count = await this.store.read(counter, quota ? monthKey(subject, month) : subject.key);
      const scale = scaleOf(counter);
      const consumed = Math.max(0, count?.consumedPoints ?? 0);
      const windowEnd = count && counter !== 'concurrent' && count.msBeforeNext >= 0 ? now + count.msBeforeNext : null;
      return {
        limit: limits[limit],
        used: consumed / scale,
        remaining: limits[limit] > 0 ? Math.max(0, Math.round(limits[limit] * scale) - consumed) / scale : null,
        resetsAt: quota ? month.endsAt : windowEnd,
      };
    };
    const [requestsPerMinute, documentsPerMinute, concurrentCalls, monthlyDocuments, monthlyCost] = await Promise.all([
      read('requests', 'requestsPerMinute'),
      read('documents', 'documentsPerMinute'),
      read('concurrent', 'concurrentCalls'),
      read('monthlyDocuments', 'monthlyDocuments'),
      read('monthlyCost', 'monthlyCost'),
    ]);
    return { month: month.label, limits: { requestsPerMinute, documentsPerMinute, concurrentCalls, monthlyDocuments, monthlyCost } };
  }

  private subjectsOf(principal: Principal): [Subject, Subject] | Promise<[Subject, Subject]> {
    const keyLimits = this.directory.limitsOf('APIKEY', principal.apiKeyId);
    const ownerLimits = this.directory.limitsOf('USER', principal.userId);
    const subjects = (limits: [LimitValues, LimitValues]): [Subject, Subject] => [
      { kind: 'APIKEY', key: counterKey('APIKEY', principal.apiKeyId), limits: limits[0] },
      { kind: 'USER', key: counterKey('USER', principal.userId), limits: limits[1] },
    ];
    if (keyLimits instanceof Promise || ownerLimits instanceof Promise) return Promise.all([keyLimits, ownerLimits]).then(subjects);
    return subjects([keyLimits, ownerLimits]);
  }

  /** Takes the call's points from each limited counter of one subject; all or nothing. */
  private async charge(subject: Subject, documents: number): Promise<Charge[]> {
    const wanted: Array<{ kind: ChargedKind; limit: number; points: number }> = [];
    for (const { kind, limit } of CHARGED) {
      const points = kind === 'documents' ? documents : 1;
      if (subject.limits[limit] > 0 && points > 0) wanted.push({ kind, limit: subject.limits[limit], points });
    }
    if (wanted.length === 0) return [];
    const results = await Promise.allSettled(wanted.map(({ kind, points }) => this.store.add(kind, subject.key, points)));
    const charges: Charge[] = [];
    let failure: unknown;
    results.forEach((result, index) => {
      if (result.status === 'rejected') failure = result.reason;
      else {
        const { kind, limit, points } = wanted[index]!;
        charges.push({ kind, subject, points, limit, count: result.value });
      }
    });
    const refused = charges.filter((charge) => charge.count.consumedPoints > charge.limit);
    if (failure === undefined && refused.length === 0) return charges;
    this.refund(charges);
    if (failure !== undefined) throw failure;
    throw this.rateLimited(subject, charges, refused);
  }

  private refund(charges: readonly Charge[]): void {
    for (const charge of charges) this.store.subtract(charge.kind, charge.subject.key, charge.points);
  }

  private rateLimited(subject: Subject, charges: readonly Charge[], refused: readonly Charge[]): DomainError {
    const waitOf = (charge: Charge): number => (charge.kind === 'concurrent' ? CONCURRENCY_RETRY_MS : Math.max(0, charge.count.msBeforeNext));
    const longest = refused.reduce((a, b) => (waitOf(b) > waitOf(a) ? b : a));
    const named = CHARGED.find(({ kind }) => kind === longest.kind)!;
    this.metrics.countLimitRefusal(subject.kind, named.limit);
    const reported = isWindowed(longest) ? [longest] : charges.filter(isWindowed);
    return new DomainError(
      'RATE_LIMITED',
      `${subjectWords(subject.kind)} limit of ${longest.limit} ${named.words} is reached`,
      { retryAfterMs: waitOf(longest), subject: subject.kind, limit: named.limit, value: longest.limit },
      headersOf(tightest(reported.map((charge) => policyOf(charge, true)))),
    );
  }

  /** Refuses when a quota is spent: documents when this call would pass it, cost once it is reached. Undefined when no quota applies. */
  private checkQuotas(subjects: readonly Subject[], documents: number): Promise<void> | undefined {
    if (!subjects.some(hasQuota)) return undefined;
    const checks = subjects.flatMap((subject) => QUOTAS.filter(({ limit }) => subject.limits[limit] > 0).map((quota) => ({ subject, quota })));
    if (checks.length === 0) return undefined;
    const now = Date.now();
    const month = calendarMonth(now);
    return Promise.all(checks.map(({ subject, quota }) => this.store.read(quota.kind, monthKey(subject, month)))).then((counts) =>
      checks.forEach(({ subject, quota }, index) => {
        const limit = subject.limits[quota.limit];
        const consumed = Math.max(0, counts[index]?.consumedPoints ?? 0);
        const spent = quota.kind === 'monthlyCost' ? consumed >= Math.round(limit * COST_SCALE) : consumed + documents > limit;
        if (!spent) return;
        const used = consumed / scaleOf(quota.kind);
        this.metrics.countLimitRefusal(subject.kind, quota.limit);
        throw new DomainError('QUOTA_EXCEEDED', `${subjectWords(subject.kind)} monthly ${quota.words} quota of ${limit} is spent (${used} used this month)`, {
          retryAfterMs: month.endsAt - now,
          subject: subject.kind,
          limit: quota.limit,
          value: limit,
          used,
        });
      }),
    );
  }
}

function hasQuota(subject: Subject): boolean {
  return QUOTAS.some(({ limit }) => subject.limits[limit] > 0);
}

/** Cost is counted in millionths; everything else in units. */
function scaleOf(counter: CounterKind): number {
  return counter === 'monthlyCost' ? COST_SCALE : 1;
}

function counterKey(kind: LimitSubject, id: string): string {
  return `${kind === 'APIKEY' ? 'k' : 'u'}:${id}`;
}

function monthKey(subject: Subject, month: CalendarMonth): string {
  return `${subject.key}:${month.label}`;
}

function isUnlimited(limits: LimitValues): boolean {
  return LIMIT_NAMES.every((name) => limits[name] === 0);
}

function isWindowed(charge: Charge): boolean {
  return charge.kind !== 'concurrent';
}

function subjectWords(kind: LimitSubject): string {
  return kind === 'APIKEY' ? "This API key's" : "The key owner's";
}

/** A call larger than a documents-per-minute limit could never pass it: a client error, not a wait. */
function refuseLargerThanAMinute(subject: Subject, documents: number): void {
  const limit = subject.limits.documentsPerMinute;
  if (limit > 0 && documents > limit) {
    throw DomainError.invalidArgument(`This call's ${documents} documents exceed ${subjectWords(subject.kind)} limit of ${limit} documents per minute: split it`, {
      subject: subject.kind,
      limit: 'documentsPerMinute',
      value: limit,
      documents,
    });
  }
}

/** What is left after this call (`refunded`: the call was refused and took nothing). */
function policyOf(charge: Charge, refunded: boolean): Policy {
  const consumed = charge.count.consumedPoints - (refunded ? charge.points : 0);
  return { limit: charge.limit, remaining: Math.max(0, charge.limit - consumed), resetSeconds: Math.max(0, Math.ceil(charge.count.msBeforeNext / 1000)) };
}

/** The policy closest to exhaustion (smallest share left; on a tie, the later reset). */
function tightest(policies: readonly Policy[]): Policy | undefined {
  const share = (policy: Policy): number => policy.remaining / policy.limit;
  return policies.reduce<Policy | undefined>((best, policy) => {
    if (!best || share(policy) < share(best) || (share(policy) === share(best) && policy.resetSeconds > best.resetSeconds)) return policy;
    return best;
  }, undefined);
}

function headersOf(policy: Policy | undefined): RateLimitHeaders {
  if (!policy) return {};
  return { 'ratelimit-limit': String(policy.limit), 'ratelimit-remaining': String(policy.remaining), 'ratelimit-reset': String(policy.resetSeconds) };
}

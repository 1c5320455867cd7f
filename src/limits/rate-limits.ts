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
import { amountAsNumber, parseAmount } from '../usage/money.js';

/** Header values for a reply: the IETF RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset (seconds). */
export type RateLimitHeaders = Readonly<Record<string, string>>;

/**
 * An admitted call: the headers its reply carries, its concurrency slots to free, and what it
 * holds of the monthly quotas. Its documents were reserved when it was admitted; its cost is
 * reserved before each target is called, at that target's most, and both are settled once
 * at the end, so calls in flight together never pass a quota by more than what their
 * upstreams bill beyond that most (retries, splits).
 */
export interface Admission {
  readonly headers: RateLimitHeaders;
  /** Whether a monthly cost quota applies (the key's or its owner's): the call then reserves its cost. */
  readonly costLimited: boolean;
  /**
   * Holds `amount` (amount units, money.ts: the most the next target can charge) on the cost
   * quotas in place of what the call held so far; QUOTA_EXCEEDED when it does not fit.
   */
  reserveCost(amount: bigint): Promise<void>;
  /** Frees the call's concurrency slots; call it once the call is over, whatever its outcome (later calls do nothing). */
  release(): void;
  /**
   * Once the call is over: its documents stay counted if it was served and are given back
   * otherwise; its cost reservation becomes what it was charged (nothing when not served).
   * In the background; never fails. Later calls do nothing.
   */
  settle(served: boolean, cost?: bigint): void;
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

type ChargedKind = Extract<CounterKind, 'requests' | 'documents' | 'concurrent' | 'monthlyDocuments'>;

/** Points taken from a counter for an admitted (or refused, then refunded) call. */
interface Charge {
  readonly kind: ChargedKind;
  readonly subject: Subject;
  /** The counter's key: the subject's, or the subject's month for a quota. */
  readonly key: string;
  /** A quota's window (the rest of the month); absent: the kind's own. */
  readonly windowSeconds?: number;
  readonly points: number;
  readonly limit: number;
  readonly count: Count;
}

/** A subject's monthly cost quota, as the call holds it. */
interface CostQuota {
  readonly subject: Subject;
  readonly key: string;
  readonly windowSeconds: number;
  /** The limit in amount units. */
  readonly limit: bigint;
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
  { kind: 'monthlyDocuments', limit: 'monthlyDocuments', words: 'documents this month' },
];

/** A refused concurrent call may try again about this soon: slots free as calls end. */
const CONCURRENCY_RETRY_MS = 1_000;

const UNLIMITED: Admission = { headers: {}, costLimited: false, reserveCost: () => Promise.resolve(), release: () => undefined, settle: () => undefined };

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
   * RateLimit-* headers), QUOTA_EXCEEDED (429 until the month ends: the documents would pass
   * a document quota, or a cost quota is spent), INVALID_ARGUMENT when the call alone is
   * larger than a documents-per-minute limit, UNAVAILABLE when the store is down and
   * configured to fail closed. The documents are reserved on the document quotas here.
   */
  async admit(principal: Principal, documents: number): Promise<Admission> {
    const subjects = this.subjectsOf(principal);
    // From memory in steady state: no promise to wait for.
    const [key, owner] = subjects instanceof Promise ? await subjects : subjects;
    if (isUnlimited(key.limits) && isUnlimited(owner.limits)) return UNLIMITED;
    refuseLargerThanAMinute(key, documents);
    refuseLargerThanAMinute(owner, documents);
    const now = Date.now();
    const month = calendarMonth(now);
    const keyCharges = await this.charge(key, documents, month, now);
    let ownerCharges: Charge[];
    try {
      ownerCharges = await this.charge(owner, documents, month, now);
    } catch (error) {
      this.refund(keyCharges);
      throw error;
    }
    const charges = [...keyCharges, ...ownerCharges];
    const costQuotas = [key, owner].filter((subject) => subject.limits.monthlyCost > 0).map((subject) => costQuotaOf(subject, month, now));
    return this.admission(principal, charges, costQuotas);
  }

  private admission(principal: Principal, charges: readonly Charge[], costQuotas: readonly CostQuota[]): Admission {
    let released = false;
    let settled = false;
    let reserved = 0n;
    return {
      headers: headersOf(tightest(charges.filter(isWindowed).map((charge) => policyOf(charge, false)))),
      costLimited: costQuotas.length > 0,
      reserveCost: async (amount) => {
        if (costQuotas.length === 0 || settled) return;
        const delta = amount - reserved;
        await this.moveCost(costQuotas, delta, delta > 0n);
        reserved = amount;
      },
      release: () => {
        if (released) return;
        released = true;
        for (const charge of charges) if (charge.kind === 'concurrent') this.store.subtract('concurrent', charge.key, 1);
      },
      settle: (served, cost) => {
        if (settled) return;
        settled = true;
        if (!served) this.refund(charges.filter((charge) => charge.kind === 'monthlyDocuments'));
        const delta = (served ? (cost ?? 0n) : 0n) - reserved;
        if (costQuotas.length === 0 || delta === 0n) return;
        this.moveCost(costQuotas, delta, false).catch((error: unknown) => {
          // The call is over; a settlement lost to a failing store (already reported) errs by at most this call's cost.
          this.logger.warn({ err: loggableError(error), apiKeyId: principal.apiKeyId }, 'could not settle a call on the monthly cost quotas');
        });
      },
    };
  }

  /**
   * Adds `delta` to each cost quota of the call, key first. With `check`, a total past a
   * limit takes back what was added and refuses the call: QUOTA_EXCEEDED.
   */
  private async moveCost(quotas: readonly CostQuota[], delta: bigint, check: boolean): Promise<void> {
    const moved: CostQuota[] = [];
    for (const quota of quotas) {
      const total = await this.store.addAmount(quota.key, delta, quota.windowSeconds);
      moved.push(quota);
      if (check && total > quota.limit) {
        for (const done of moved) void this.store.addAmount(done.key, -delta, done.windowSeconds).catch(() => undefined);
        throw this.quotaExceeded(quota.subject, 'monthlyCost', amountAsNumber(total - delta));
      }
    }
  }

  /** A subject's limits with what is used and left of each, now. */
  async usage(kind: LimitSubject, id: string, limits: LimitValues): Promise<UsageSnapshot> {
    const now = Date.now();
    const month = calendarMonth(now);
    const subject: Subject = { kind, key: counterKey(kind, id), limits };
    const read = async (counter: ChargedKind, limit: LimitName): Promise<LimitUsage> => {
      const quota = counter === 'monthlyDocuments';
      const count = await this.store.read(counter, quota ? monthKey(subject, month) : subject.key);
      const consumed = Math.max(0, count?.consumedPoints ?? 0);
      const windowEnd = count && counter !== 'concurrent' && count.msBeforeNext >= 0 ? now + count.msBeforeNext : null;
      return {
        limit: limits[limit],
        used: consumed,
        remaining: limits[limit] > 0 ? Math.max(0, limits[limit] - consumed) : null,
        resetsAt: quota ? month.endsAt : windowEnd,
      };
    };
    const readCost = async (): Promise<LimitUsage> => {
      const spent = await this.store.readAmount(costQuotaOf(subject, month, now).key);
      const used = spent > 0n ? spent : 0n;
      const left = limitInAmount(limits.monthlyCost) - used;
      return {
        limit: limits.monthlyCost,
        used: amountAsNumber(used),
        remaining: limits.monthlyCost > 0 ? amountAsNumber(left > 0n ? left : 0n) : null,
        resetsAt: month.endsAt,
      };
    };
    const [requestsPerMinute, documentsPerMinute, concurrentCalls, monthlyDocuments, monthlyCost] = await Promise.all([
      read('requests', 'requestsPerMinute'),
      read('documents', 'documentsPerMinute'),
      read('concurrent', 'concurrentCalls'),
      read('monthlyDocuments', 'monthlyDocuments'),
      readCost(),
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

  /**
   * Takes the call's points from each limited counter of one subject, its documents from
   * the month's document quota included, and checks its cost quota is not spent; all or
   * nothing. A spent quota is the answer over a per-minute limit: waiting would not help.
   */
  private async charge(subject: Subject, documents: number, month: CalendarMonth, now: number): Promise<Charge[]> {
    // Built field by field, one shape: object spreads here cost several µs per call (bench/README.md).
    const wanted: Array<Omit<Charge, 'count'>> = [];
    for (const { kind, limit } of CHARGED) {
      const points = kind === 'documents' || kind === 'monthlyDocuments' ? documents : 1;
      if (subject.limits[limit] <= 0 || points <= 0) continue;
      const quota = kind === 'monthlyDocuments';
      const key = quota ? monthKey(subject, month) : subject.key;
      wanted.push({ kind, subject, key, windowSeconds: quota ? secondsLeft(month, now) : undefined, limit: subject.limits[limit], points });
    }
    const costQuota = subject.limits.monthlyCost > 0 ? costQuotaOf(subject, month, now) : undefined;
    if (wanted.length === 0 && !costQuota) return [];
    const adds = Promise.allSettled(wanted.map((charge) => this.store.add(charge.kind, charge.key, charge.points, charge.windowSeconds)));
    const spent = costQuota && (await this.store.readAmount(costQuota.key).then((amount) => ({ amount }), (error: unknown) => ({ error })));
    const results = await adds;
    const charges: Charge[] = [];
    let failure: unknown = spent && 'error' in spent ? spent.error : undefined;
    results.forEach((result, index) => {
      if (result.status === 'rejected') failure = result.reason;
      else {
        const charge = wanted[index]!;
        charges.push({ kind: charge.kind, subject, key: charge.key, windowSeconds: charge.windowSeconds, points: charge.points, limit: charge.limit, count: result.value });
      }
    });
    const refused = charges.filter((charge) => charge.count.consumedPoints > charge.limit);
    const costSpent = costQuota && spent && 'amount' in spent && spent.amount >= costQuota.limit ? spent.amount : undefined;
    if (failure === undefined && refused.length === 0 && costSpent === undefined) return charges;
    this.refund(charges);
    if (failure !== undefined) throw failure;
    const quota = refused.find((charge) => charge.kind === 'monthlyDocuments');
    if (quota) throw this.quotaExceeded(subject, 'monthlyDocuments', quota.count.consumedPoints - quota.points);
    if (costSpent !== undefined) throw this.quotaExceeded(subject, 'monthlyCost', amountAsNumber(costSpent));
    throw this.rateLimited(subject, charges, refused);
  }

  private refund(charges: readonly Charge[]): void {
    for (const charge of charges) this.store.subtract(charge.kind, charge.key, charge.points, charge.windowSeconds);
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

  private quotaExceeded(subject: Subject, limit: 'monthlyDocuments' | 'monthlyCost', used: number): DomainError {
    const value = subject.limits[limit];
    const now = Date.now();
    this.metrics.countLimitRefusal(subject.kind, limit);
    const words = limit === 'monthlyDocuments' ? 'documents' : 'cost';
    return new DomainError('QUOTA_EXCEEDED', `${subjectWords(subject.kind)} monthly ${words} quota of ${value} is spent (${used} used this month)`, {
      retryAfterMs: calendarMonth(now).endsAt - now,
      subject: subject.kind,
      limit,
      value,
      used,
    });
  }
}

/** A cost limit (at most COST_DECIMALS decimals) in amount units, the unit usage counts cost in. */
function limitInAmount(limit: number): bigint {
  return parseAmount(limit.toFixed(COST_DECIMALS));
}

function costQuotaOf(subject: Subject, month: CalendarMonth, now: number): CostQuota {
  return { subject, key: monthKey(subject, month), windowSeconds: secondsLeft(month, now), limit: limitInAmount(subject.limits.monthlyCost) };
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

/** A per-minute count: what the RateLimit-* headers report. */
function isWindowed(charge: Charge): boolean {
  return charge.kind === 'requests' || charge.kind === 'documents';
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

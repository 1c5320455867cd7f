import { DomainError } from '../../common/errors/domain-error.js';

interface CircuitState {
  consecutiveFailures: number;
  openedAt?: number;
  probing: boolean;
}

export type CircuitStatus = 'closed' | 'open' | 'half-open';

/**
 * What one upstream call says about the upstream's health:
 * - success: a usable answer;
 * - failure: the upstream is broken or unreachable (connection error, timeout, 5xx, 408,
 *   an unusable 2xx);
 * - neutral: the upstream answered, but refused this request (other 4xx, 429, 3xx), or
 *   the call never reached it for reasons of ours (egress policy, load shedding, a bug).
 */
export type CallOutcome = 'success' | 'failure' | 'neutral';

/** The outcome of a call that threw `error`. */
export function outcomeOfError(error: unknown): CallOutcome {
  if (!(error instanceof DomainError)) return 'neutral';
  switch (error.code) {
    case 'UPSTREAM_TIMEOUT':
    case 'UPSTREAM_BAD_RESPONSE':
      return 'failure';
    case 'UPSTREAM_ERROR': {
      const status = error.details?.upstreamStatus;
      // No status: the upstream could not be reached at all.
      return typeof status !== 'number' || status >= 500 || status === 408 ? 'failure' : 'neutral';
    }
    default:
      return 'neutral';
  }
}

/**
 * Per-reranker breakers: after `threshold` consecutive failures a reranker fails fast
 * (503 UPSTREAM_UNAVAILABLE) for `cooldownMs`; then one probe call is let through, and
 * its outcome always settles the circuit: a failure re-opens it, a success or a neutral
 * outcome closes it (an upstream that answers, even with a refusal, is reachable).
 * Outside a probe, neutral outcomes neither count as failures nor reset the count.
 */
export class CircuitBreakers {
  private readonly circuits = new Map<string, CircuitState>();

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws when the circuit is open; true when this call is the probe of a half-open circuit. */
  admit(id: string): boolean {
    const circuit = this.circuits.get(id);
    if (circuit?.openedAt === undefined) return false;
    const coolingDown = this.now() - circuit.openedAt < this.cooldownMs;
    if (coolingDown || circuit.probing) {
      throw new DomainError('UPSTREAM_UNAVAILABLE', 'The upstream is failing; calls are paused for a cool-down', {
        retryAfterMs: Math.max(0, circuit.openedAt + this.cooldownMs - this.now()),
      });
    }
    circuit.probing = true;
    return true;
  }

  /** Records the outcome of an admitted call (`probe`: what admit answered for it). */
  record(id: string, outcome: CallOutcome, probe: boolean): void {
    if (outcome === 'failure') this.failed(id, probe);
    else if (outcome === 'success' || probe) this.circuits.delete(id);
  }

  reset(id: string): void {
    this.circuits.delete(id);
  }

  status(id: string): CircuitStatus {
    const circuit = this.circuits.get(id);
    if (circuit?.openedAt === undefined) return 'closed';
    return circuit.probing || this.now() - circuit.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  /** How many circuits are in each state (for metrics). */
  counts(): Record<CircuitStatus, number> {
    const counts: Record<CircuitStatus, number> = { closed: 0, open: 0, 'half-open': 0 };
    for (const id of this.circuits.keys()) counts[this.status(id)]++;
    return counts;
  }

  private failed(id: string, probe: boolean): void {
    const circuit = this.circuits.get(id) ?? { consecutiveFailures: 0, probing: false };
    circuit.consecutiveFailures++;
    if (probe || circuit.consecutiveFailures >= this.threshold) {
      circuit.openedAt = this.now();
      circuit.probing = false;
    }
    this.circuits.set(id, circuit);
  }
}

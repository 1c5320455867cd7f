import { DomainError } from '../../common/errors/domain-error.js';

interface CircuitState {
  consecutiveFailures: number;
  openedAt?: number;
  probing: boolean;
}

export type CircuitStatus = 'closed' | 'open' | 'half-open';

/**
 * Per-reranker breakers: after `threshold` consecutive failures a reranker fails fast
 * (503 UPSTREAM_UNAVAILABLE) for `cooldownMs`; then one probe call is let through, and
 * its outcome closes or re-opens the circuit.
 */
export class CircuitBreakers {
  private readonly circuits = new Map<string, CircuitState>();

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Throws when the circuit is open; marks the probe when it is time for one. */
  admit(id: string): void {
    const circuit = this.circuits.get(id);
    if (circuit?.openedAt === undefined) return;
    const coolingDown = this.now() - circuit.openedAt < this.cooldownMs;
    if (coolingDown || circuit.probing) {
      throw new DomainError('UPSTREAM_UNAVAILABLE', 'The upstream is failing; calls are paused for a cool-down', {
        retryAfterMs: Math.max(0, circuit.openedAt + this.cooldownMs - this.now()),
      });
    }
    circuit.probing = true;
  }

  succeeded(id: string): void {
    this.circuits.delete(id);
  }

  failed(id: string): void {
    const circuit = this.circuits.get(id) ?? { consecutiveFailures: 0, probing: false };
    circuit.consecutiveFailures++;
    if (circuit.probing || circuit.consecutiveFailures >= this.threshold) {
      circuit.openedAt = this.now();
      circuit.probing = false;
    }
    this.circuits.set(id, circuit);
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
}

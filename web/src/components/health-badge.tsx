import type { Schemas } from '../api.js';
import { Badge, formatTime } from './ui.js';

export type RerankerHealth = Schemas['RerankerHealthResponse'];

/** The circuit breaker's state and the last ping this instance saw. */
export function HealthBadge({ health }: { health?: RerankerHealth }) {
  if (!health) return <Badge tone="neutral">unknown</Badge>;
  const probe = health.lastProbe;
  const title = probe
    ? `Last ping ${formatTime(probe.at)}: ${probe.ok ? 'ok' : (probe.errorMessage ?? 'failed')}${probe.httpStatus ? ` (HTTP ${probe.httpStatus})` : ''}, ${Math.round(probe.rttMs)} ms`
    : 'Not pinged since this instance started';
  if (health.circuit === 'open') return <Badge tone="bad">circuit open</Badge>;
  if (health.circuit === 'half-open') return <Badge tone="warn">probing</Badge>;
  if (!probe) return <Badge tone="neutral">not pinged</Badge>;
  return (
    <span title={title}>
      <Badge tone={probe.ok ? 'ok' : 'bad'}>{probe.ok ? `ok · ${Math.round(probe.rttMs)} ms` : 'ping failed'}</Badge>
    </span>
  );
}

import { DomainError } from '../../common/errors/domain-error.js';
import { CircuitBreakers, outcomeOfError, type CallOutcome, type CircuitStatus } from './circuit-breaker.js';

describe('CircuitBreakers', () => {
  let now = 0;
  const breakers = () => new CircuitBreakers(3, 1_000, () => now);
  const fail = (b: CircuitBreakers, id: string, times = 1) => {
    for (let i = 0; i < times; i++) b.record(id, 'failure', b.admit(id));
  };
  const openThenCoolDown = (b: CircuitBreakers) => {
    fail(b, 'r', 3);
    now += 1_000;
  };

  beforeEach(() => {
    now = 10_000;
  });

  it('opens after consecutive failures and fails fast during the cool-down', () => {
    const b = breakers();
    fail(b, 'r', 2);
    expect(() => b.admit('r')).not.toThrow();
    b.record('r', 'failure', false);
    expect(b.status('r')).toBe('open');
    expect(() => b.admit('r')).toThrow(/cool-down/);
    expect(() => b.admit('other')).not.toThrow();
  });

  it('lets one probe through after the cool-down; success closes it', () => {
    const b = breakers();
    openThenCoolDown(b);
    expect(b.admit('r')).toBe(true);
    expect(() => b.admit('r')).toThrow();
    b.record('r', 'success', true);
    expect(b.status('r')).toBe('closed');
    expect(b.admit('r')).toBe(false);
  });

  it('re-opens when the probe fails', () => {
    const b = breakers();
    openThenCoolDown(b);
    b.record('r', 'failure', b.admit('r'));
    expect(b.status('r')).toBe('open');
    expect(() => b.admit('r')).toThrow();
  });

  it('closes when the probe is refused (4xx, 429): the upstream answered, so it is reachable (issue 9 item 12)', () => {
    const b = breakers();
    openThenCoolDown(b);
    b.record('r', 'neutral', b.admit('r'));
    expect(b.status('r')).toBe('closed');
    expect(() => b.admit('r')).not.toThrow();
  });

  it.each<[CallOutcome, CircuitStatus]>([
    ['success', 'closed'],
    ['failure', 'open'],
    ['neutral', 'closed'],
  ])('settles the circuit whatever the probe outcome (%s -> %s)', (outcome, status) => {
    const b = breakers();
    openThenCoolDown(b);
    b.record('r', outcome, b.admit('r'));
    expect(b.status('r')).toBe(status);
  });

  it('a late non-probe answer does not settle a pending probe', () => {
    const b = breakers();
    openThenCoolDown(b);
    expect(b.admit('r')).toBe(true);
    b.record('r', 'neutral', false);
    expect(b.status('r')).toBe('half-open');
    expect(() => b.admit('r')).toThrow();
  });

  it('forgets failures after a success; neutral outcomes neither count nor reset', () => {
    const b = breakers();
    fail(b, 'r', 2);
    b.record('r', 'success', false);
    fail(b, 'r', 1);
    expect(b.status('r')).toBe('closed');
    b.record('r', 'neutral', false);
    fail(b, 'r', 1);
    expect(b.status('r')).toBe('closed');
    fail(b, 'r', 1);
    expect(b.status('r')).toBe('open');
  });
});

describe('outcomeOfError', () => {
  const upstream = (status?: number) => new DomainError('UPSTREAM_ERROR', 'x', status === undefined ? undefined : { upstreamStatus: status });

  it.each<[string, unknown, CallOutcome]>([
    ['a timeout', new DomainError('UPSTREAM_TIMEOUT', 'x'), 'failure'],
    ['an unusable answer', new DomainError('UPSTREAM_BAD_RESPONSE', 'x'), 'failure'],
    ['a connection error', upstream(), 'failure'],
    ['a 500', upstream(500), 'failure'],
    ['a 503', upstream(503), 'failure'],
    ['a 408', upstream(408), 'failure'],
    ['a 400', upstream(400), 'neutral'],
    ['a 401', upstream(401), 'neutral'],
    ['a 404', upstream(404), 'neutral'],
    ['a 302', upstream(302), 'neutral'],
    ['a 429', new DomainError('UPSTREAM_RATE_LIMITED', 'x', { upstreamStatus: 429 }), 'neutral'],
    ['an egress refusal', new DomainError('EGRESS_BLOCKED', 'x'), 'neutral'],
    ['load shedding', new DomainError('UNAVAILABLE', 'x'), 'neutral'],
    ['a bug', new Error('boom'), 'neutral'],
  ])('classifies %s', (_what, error, outcome) => {
    expect(outcomeOfError(error)).toBe(outcome);
  });
});

import { CircuitBreakers } from './circuit-breaker.js';

describe('CircuitBreakers', () => {
  let now = 0;
  const breakers = () => new CircuitBreakers(3, 1_000, () => now);

  beforeEach(() => {
    now = 10_000;
  });

  it('opens after consecutive failures and fails fast during the cool-down', () => {
    const b = breakers();
    b.failed('r');
    b.failed('r');
    expect(() => b.admit('r')).not.toThrow();
    b.failed('r');
    expect(b.status('r')).toBe('open');
    expect(() => b.admit('r')).toThrow(/cool-down/);
    expect(() => b.admit('other')).not.toThrow();
  });

  it('lets one probe through after the cool-down; success closes it', () => {
    const b = breakers();
    for (let i = 0; i < 3; i++) b.failed('r');
    now += 1_000;
    expect(() => b.admit('r')).not.toThrow();
    expect(() => b.admit('r')).toThrow();
    b.succeeded('r');
    expect(b.status('r')).toBe('closed');
    expect(() => b.admit('r')).not.toThrow();
  });

  it('re-opens when the probe fails', () => {
    const b = breakers();
    for (let i = 0; i < 3; i++) b.failed('r');
    now += 1_000;
    b.admit('r');
    b.failed('r');
    expect(b.status('r')).toBe('open');
    expect(() => b.admit('r')).toThrow();
  });

  it('forgets failures after a success', () => {
    const b = breakers();
    b.failed('r');
    b.failed('r');
    b.succeeded('r');
    b.failed('r');
    expect(b.status('r')).toBe('closed');
  });
});

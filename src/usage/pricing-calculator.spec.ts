import { jest } from '@jest/globals';
import { formatAmount, parseAmount } from './money.js';
import { canonicalRate, compilePricing, rateProblem, type Pricing } from './pricing.js';
import { PricingCalculator, type MeteredCall } from './pricing-calculator.js';


describe('money', () => {
  it('keeps decimals exact where floats drift', () => {
    expect(formatAmount(parseAmount('0.1') + parseAmount('0.2'))).toBe('0.3');
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(formatAmount(parseAmount('12.000000000000001'))).toBe('12.000000000000001');
    expect(formatAmount(0n)).toBe('0');
    expect(() => parseAmount('1e-3')).toThrow(RangeError);
    expect(() => parseAmount('0.0000000000000001')).toThrow(RangeError);
  });
});

describe('rates', () => {
  it.each([0, 0.002, '0.002', '9999999.999999999', 1e-9, 12])('accepts %p', (rate) => {
    expect(rateProblem(rate)).toBeUndefined();
  });

  it.each([-1, '-1', '1e-3', 1e-10, '0.0000000001', 10_000_000, '10000000', Number.NaN, Infinity, '', ' 1', '1.', true, null, {}])('refuses %p', (rate) => {
    expect(rateProblem(rate)).toMatch(/non-negative decimal/);
  });

  it('are stored in their shortest decimal form', () => {
    expect(canonicalRate('0.0020')).toBe('0.002');
    expect(canonicalRate('007')).toBe('7');
    expect(canonicalRate(0.1)).toBe('0.1');
    expect(canonicalRate(1e-9)).toBe('0.000000001');
  });
});

describe('PricingCalculator', () => {
  const calculator = new PricingCalculator();
  const call = (overrides: Partial<Omit<MeteredCall, 'pricing'>> & { pricing?: Pricing } = {}): MeteredCall => {
    const { pricing, ...rest } = overrides;
    return {
      documents: 7,
      upstreamRequests: 2,
      billsSearchUnits: false,
      estimateSearchUnits: () => 2,
      estimateTokens: () => 77,
      maxUnits: () => ({ searchUnits: 5, tokens: 1_000 }),
      ...rest,
      ...(pricing ? { pricing: compilePricing(pricing) } : {}),
    };
  };
  const cost = (c: MeteredCall) => {
    const charge = calculator.charge(c);
    return charge.cost && { currency: charge.cost.currency, amount: formatAmount(charge.cost.amount) };
  };

  it('prices each kind exactly, and adds the rates that are set', () => {
    const usage = { billed_units: { search_units: 3 }, tokens: { input_tokens: 10 } };
    expect(cost(call({ usage, pricing: { currency: 'USD', perSearchUnit: '0.002' } }))).toEqual({ currency: 'USD', amount: '0.006' });
    expect(cost(call({ usage, pricing: { currency: 'USD', perMillionTokens: '0.05' } }))).toEqual({ currency: 'USD', amount: '0.0000005' });
    expect(cost(call({ usage, pricing: { currency: 'EUR', perRequest: '0.001' } }))).toEqual({ currency: 'EUR', amount: '0.002' });
    expect(cost(call({ usage, pricing: { currency: 'USD', perThousandDocuments: '0.1' } }))).toEqual({ currency: 'USD', amount: '0.0007' });
    expect(cost(call({ usage, pricing: { currency: 'USD', perSearchUnit: '0.002', perRequest: '0.001', perThousandDocuments: '0.000000001' } }))).toEqual({
      currency: 'USD',
      amount: '0.008000000007',
    });
  });

  it('takes the units the upstream reported: Cohere meta, Pinecone rerank_units, total / input / prompt tokens', () => {
    const charge = (usage: Record<string, unknown>) => calculator.charge(call({ billsSearchUnits: true, usage }));
    expect(charge({ billed_units: { search_units: 3 } })).toMatchObject({ searchUnits: 3 });
    expect(charge({ rerank_units: 2 })).toMatchObject({ searchUnits: 2 });
    expect(charge({ total_tokens: 30, prompt_tokens: 20 })).toMatchObject({ tokens: 30 });
    expect(charge({ input_tokens: 10 })).toMatchObject({ tokens: 10 });
    expect(charge({ prompt_tokens: 12 })).toMatchObject({ tokens: 12 });
    expect(charge({ tokens: { input_tokens: 10, output_tokens: 2 } })).toMatchObject({ tokens: 12 });
  });

  it("counts search units by the provider's rule when none were reported, for a provider that bills them or a reranker priced per search unit", () => {
    expect(calculator.charge(call({ billsSearchUnits: true }))).toEqual({ searchUnits: 2, tokens: 0 });
    expect(cost(call({ pricing: { currency: 'USD', perSearchUnit: '0.002' } }))).toEqual({ currency: 'USD', amount: '0.004' });
    expect(calculator.charge(call())).toEqual({ searchUnits: 0, tokens: 0 });
  });

  it('estimates tokens when priced per token and none were reported (never a priced call at zero)', () => {
    const charge = calculator.charge(call({ pricing: { currency: 'USD', perMillionTokens: '1' } }));
    expect(charge.tokens).toBe(77);
    expect(formatAmount(charge.cost!.amount)).toBe('0.000077');
  });

  it('estimates nothing when the upstream reported everything', () => {
    const estimateSearchUnits = jest.fn(() => 1);
    const estimateTokens = jest.fn(() => 1);
    const usage = { billed_units: { search_units: 1 }, total_tokens: 5 };
    calculator.charge(call({ billsSearchUnits: true, usage, estimateSearchUnits, estimateTokens, pricing: { currency: 'USD', perMillionTokens: '1' } }));
    expect(estimateSearchUnits).not.toHaveBeenCalled();
    expect(estimateTokens).not.toHaveBeenCalled();
  });

  it("never books more units than the call could bill: an upstream's number is cut to that bound and flagged", () => {
    const pricing = { currency: 'USD', perSearchUnit: '0.002', perMillionTokens: '1' };
    for (const usage of [{ billed_units: { search_units: 1e19 }, total_tokens: 2 ** 64 }, { rerank_units: Number.MAX_VALUE, prompt_tokens: 1e300 }]) {
      const charge = calculator.charge(call({ usage, pricing }));
      expect(charge).toMatchObject({ searchUnits: 5, tokens: 1_000, clamped: true });
      expect(formatAmount(charge.cost!.amount)).toBe('0.011');
    }
    expect(calculator.charge(call({ usage: { billed_units: { search_units: 5 }, total_tokens: 1_000 } }))).toEqual({ searchUnits: 5, tokens: 1_000 });
    const maxUnits = jest.fn(() => ({ searchUnits: 0, tokens: 0 }));
    calculator.charge(call({ maxUnits }));
    expect(maxUnits).not.toHaveBeenCalled();
  });
});

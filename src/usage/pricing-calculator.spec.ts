import { jest } from '@jest/globals';
import { cohereSearchUnits } from './cohere-search-units.js';
import { formatAmount, parseAmount } from './money.js';
import { canonicalRate, compilePricing, rateProblem, type Pricing } from './pricing.js';
import { PricingCalculator, type MeteredCall } from './pricing-calculator.js';

const words = (tokens: number) => 'x'.repeat(tokens * 3); // estimateTokens: one token per 3 characters
const docs = (count: number, tokens = 1) => Array.from({ length: count }, () => words(tokens));

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

describe("Cohere's search units (when the upstream reports none)", () => {
  it('are one per query of up to 100 documents, per upstream request', () => {
    expect(cohereSearchUnits('rerank-v3.5', 'q', [docs(1)])).toBe(1);
    expect(cohereSearchUnits('rerank-v3.5', 'q', [docs(100)])).toBe(1);
    expect(cohereSearchUnits('rerank-v3.5', 'q', [docs(101)])).toBe(2);
    expect(cohereSearchUnits('rerank-v3.5', 'q', [docs(100), docs(1)])).toBe(2);
    expect(cohereSearchUnits('rerank-v3.5', 'q', [])).toBe(0);
  });

  it("count a long document's chunks as documents, the chunk being the model's context beside the query", () => {
    // v3.5: 4,093-token chunks; a 1-token query leaves 4,092 for the document; documents are cut at 4,096 tokens unless max_tokens_per_doc says otherwise.
    expect(cohereSearchUnits('rerank-v3.5', 'q', [[...docs(99), words(4_092)]])).toBe(1);
    expect(cohereSearchUnits('rerank-v3.5', 'q', [[...docs(99), words(4_093)]])).toBe(2);
    expect(cohereSearchUnits('rerank-v3.5', 'q', [[...docs(99), words(50_000)]])).toBe(2);
    expect(cohereSearchUnits('rerank-v3.5', 'q', [docs(40, 50_000)], 20_000)).toBe(2); // 40 x ceil(20000 / 4092) = 200 chunks
    // A longer query leaves less room: 4093 - 1000 = 3093.
    expect(cohereSearchUnits('rerank-english-v3.0', words(1_000), [docs(34, 4_000)])).toBe(1);
    expect(cohereSearchUnits('rerank-english-v3.0', words(1_000), [docs(51, 4_000)])).toBe(2);
  });

  it('use each generation’s context: v2 510 tokens, v4 32,764', () => {
    expect(cohereSearchUnits('rerank-multilingual-v2.0', 'q', [docs(50, 1_000)])).toBe(1); // 2 chunks each
    expect(cohereSearchUnits('rerank-multilingual-v2.0', 'q', [docs(51, 1_000)])).toBe(2);
    expect(cohereSearchUnits('rerank-v4.0-pro', 'q', [docs(100, 30_000)], 30_000)).toBe(1);
    expect(cohereSearchUnits('cohere.rerank-v3-5:0', 'q', [docs(60, 4_093)])).toBe(2);
  });

  it('take at most half a chunk for the query, as Cohere truncates long queries', () => {
    expect(cohereSearchUnits('rerank-multilingual-v2.0', words(10_000), [docs(100, 255)])).toBe(1);
    expect(cohereSearchUnits('rerank-multilingual-v2.0', words(10_000), [docs(100, 256)])).toBe(2);
  });
});

describe('PricingCalculator', () => {
  const calculator = new PricingCalculator();
  const call = (overrides: Partial<Omit<MeteredCall, 'pricing'>> & { pricing?: Pricing } = {}): MeteredCall => {
    const { pricing, ...rest } = overrides;
    return {
      providerType: 'VLLM',
      model: 'm',
      query: 'q',
      documents: 7,
      upstreamRequests: 2,
      requestDocuments: () => [docs(4, 10), docs(3, 10)],
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
    const charge = (usage: Record<string, unknown>) => calculator.charge(call({ providerType: 'COHERE', usage }));
    expect(charge({ billed_units: { search_units: 3 } })).toMatchObject({ searchUnits: 3 });
    expect(charge({ rerank_units: 2 })).toMatchObject({ searchUnits: 2 });
    expect(charge({ total_tokens: 30, prompt_tokens: 20 })).toMatchObject({ tokens: 30 });
    expect(charge({ input_tokens: 10 })).toMatchObject({ tokens: 10 });
    expect(charge({ prompt_tokens: 12 })).toMatchObject({ tokens: 12 });
    expect(charge({ tokens: { input_tokens: 10, output_tokens: 2 } })).toMatchObject({ tokens: 12 });
  });

  it("counts Cohere's search units by its rule when none were reported, for Cohere or a reranker priced per search unit", () => {
    const requestDocuments = () => [docs(100), docs(1)];
    expect(calculator.charge(call({ providerType: 'COHERE', requestDocuments }))).toEqual({ searchUnits: 2, tokens: 0 });
    expect(cost(call({ providerType: 'BEDROCK', requestDocuments, pricing: { currency: 'USD', perSearchUnit: '0.002' } }))).toEqual({ currency: 'USD', amount: '0.004' });
    expect(calculator.charge(call({ providerType: 'VLLM', requestDocuments }))).toEqual({ searchUnits: 0, tokens: 0 });
  });

  it('estimates tokens when priced per token and none were reported (never a priced call at zero)', () => {
    // 7 pairs of a 1-token query and a 10-token document.
    const charge = calculator.charge(call({ pricing: { currency: 'USD', perMillionTokens: '1' } }));
    expect(charge.tokens).toBe(77);
    expect(formatAmount(charge.cost!.amount)).toBe('0.000077');
  });

  it('leaves the rendered documents alone when the upstream reported everything', () => {
    const requestDocuments = jest.fn(() => [docs(1)]);
    calculator.charge(call({ providerType: 'COHERE', usage: { billed_units: { search_units: 1 }, total_tokens: 5 }, requestDocuments, pricing: { currency: 'USD', perMillionTokens: '1' } }));
    expect(requestDocuments).not.toHaveBeenCalled();
  });
});

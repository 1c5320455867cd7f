import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { ConfigError } from '../config/config-error.js';
import { formatAmount } from './money.js';
import { PriceList } from './price-list.js';

const listOf = (env: Record<string, string>) => new PriceList(AppConfig.fromEnv({ NODE_ENV: 'test', ...env }));

describe('PriceList', () => {
  it('prices by provider and model, then provider, then everything; nothing without a list', () => {
    const prices = listOf({
      PRICE_LIST: JSON.stringify({
        'COHERE/rerank-v3.5': { currency: 'USD', perSearchUnit: '0.002' },
        'COHERE/*': { currency: 'USD', perSearchUnit: 0.001 },
        'VLLM/BAAI/bge-reranker-v2-m3': { currency: 'EUR', perMillionTokens: '0.0200' },
        '*': { currency: 'USD', perRequest: '0.0001', perThousandDocuments: '1' },
      }),
    });
    const rate = (provider: 'COHERE' | 'VLLM' | 'JINA', model: string) => {
      const pricing = prices.pricingFor(provider, model)!;
      return [pricing.currency, ...Object.entries(pricing.rates).map(([field, amount]) => `${field}=${formatAmount(amount!)}`)];
    };
    expect(rate('COHERE', 'rerank-v3.5')).toEqual(['USD', 'perSearchUnit=0.002']);
    expect(rate('COHERE', 'rerank-v4.0')).toEqual(['USD', 'perSearchUnit=0.001']);
    expect(rate('VLLM', 'BAAI/bge-reranker-v2-m3')).toEqual(['EUR', 'perMillionTokens=0.02']);
    expect(rate('JINA', 'jina-reranker-v2')).toEqual(['USD', 'perRequest=0.0001', 'perThousandDocuments=1']);
    expect(listOf({}).pricingFor('COHERE', 'rerank-v3.5')).toBeUndefined();
  });

  it('reads PRICE_LIST_FILE', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rr-prices-')), 'prices.json');
    writeFileSync(file, JSON.stringify({ 'JINA/*': { currency: 'EUR', perRequest: '1' } }));
    expect(listOf({ PRICE_LIST_FILE: file }).pricingFor('JINA', 'x')?.currency).toBe('EUR');
  });

  it.each([
    ['not JSON', '{', /must be JSON/],
    ['a list', '[]', /must be a JSON object/],
    ['an unknown provider', '{"NOPE/*":{"currency":"USD","perRequest":"1"}}', /key "NOPE\/\*"/],
    ['a key without a model', '{"COHERE/":{"currency":"USD","perRequest":"1"}}', /key "COHERE\/"/],
    ['a currency in lower case', '{"*":{"currency":"usd","perRequest":"1"}}', /ISO 4217/],
    ['a negative rate', '{"*":{"currency":"USD","perRequest":"-1"}}', /perRequest must be a non-negative decimal/],
    ['no rate', '{"*":{"currency":"USD"}}', /at least one of/],
    ['an unknown field', '{"*":{"currency":"USD","perCall":"1"}}', /perCall is not a rate/],
    ['an entry that is no object', '{"*":"cheap"}', /must be an object/],
  ])('refuses to start on %s, naming PRICE_LIST', (_case, list, message) => {
    let error: unknown;
    try {
      listOf({ PRICE_LIST: list });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/PRICE_LIST/);
    expect((error as ConfigError).message).toMatch(message);
  });

  it('refuses both PRICE_LIST and PRICE_LIST_FILE, and a file it cannot read', () => {
    expect(() => listOf({ PRICE_LIST: '{}', PRICE_LIST_FILE: '/nope' })).toThrow(/cannot both be set/);
    expect(() => listOf({ PRICE_LIST_FILE: '/nonexistent/prices.json' })).toThrow(/PRICE_LIST_FILE cannot be read: ENOENT/);
  });
});

import { Injectable } from '@nestjs/common';
import { isISO4217CurrencyCode } from 'class-validator';
import { AppConfig } from '../config/app-config.js';
import { ConfigError } from '../config/config-error.js';
import { ProviderType } from '../generated/prisma/enums.js';
import { canonicalRate, compilePricing, RATE_FIELDS, rateProblem, type CompiledPricing, type Pricing } from './pricing.js';

const ANY = '*';

/**
 * The deployment's prices (PRICE_LIST): what a call costs on a reranker no admin priced, by
 * `<PROVIDER>/<model>`, then `<PROVIDER>/*`, then `*`. A reranker's own pricing (set only by
 * SET_PRICING holders) wins; a member's reranker without one is charged by this list, so a
 * member cannot clear the price its cost quota counts. Checked entry by entry at boot.
 */
@Injectable()
export class PriceList {
  private readonly prices = new Map<string, CompiledPricing>();

  constructor(config: AppConfig) {
    for (const [key, value] of Object.entries(config.usage.priceList ?? {})) this.prices.set(checkedKey(key), compilePricing(checkedPricing(key, value)));
  }

  /** The list's price of a call on this provider and model, or undefined when it names none. */
  pricingFor(providerType: ProviderType, model: string): CompiledPricing | undefined {
    return this.prices.get(`${providerType}/${model}`) ?? this.prices.get(`${providerType}/${ANY}`) ?? this.prices.get(ANY);
  }
}

function checkedKey(key: string): string {
  if (key === ANY) return key;
  const slash = key.indexOf('/');
  const provider = key.slice(0, slash);
  if (slash <= 0 || slash === key.length - 1 || !(provider in ProviderType)) {
    throw new ConfigError('PRICE_LIST', `key "${key}" must be "*", "<PROVIDER>/*" or "<PROVIDER>/<model>" with a provider type among ${Object.keys(ProviderType).join(', ')}`);
  }
  return key;
}

/** The same rules as a reranker's pricing: an ISO 4217 currency in capitals, at least one rate, nothing else. */
function checkedPricing(key: string, value: unknown): Pricing {
  const problem = (what: string) => new ConfigError('PRICE_LIST', `"${key}": ${what}`);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw problem('must be an object {currency, perSearchUnit?, perMillionTokens?, perRequest?, perThousandDocuments?}');
  const { currency, ...rates } = value as Record<string, unknown>;
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency) || !isISO4217CurrencyCode(currency)) throw problem('currency must be an ISO 4217 code in capitals, like USD');
  const unknown = Object.keys(rates).find((field) => !(RATE_FIELDS as readonly string[]).includes(field));
  if (unknown !== undefined) throw problem(`${unknown} is not a rate (${RATE_FIELDS.join(', ')})`);
  if (Object.keys(rates).length === 0) throw problem(`needs at least one of ${RATE_FIELDS.join(', ')}`);
  const pricing: Record<string, string> = { currency };
  for (const [field, rate] of Object.entries(rates)) {
    const wrong = rateProblem(rate);
    if (wrong) throw problem(`${field} ${wrong}`);
    pricing[field] = canonicalRate(rate as string | number);
  }
  return pricing as Pricing;
}

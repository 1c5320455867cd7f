/**
 * Money as exact integers: an amount is a bigint count of 10^-15 currency units. Rates have
 * at most 9 decimals and a cost is a rate times a count, divided by at most 10^6 (per
 * million tokens), so every call's cost is an exact integer here, sums never drift (as
 * binary floats do: 0.1 + 0.2), and quotas compare exactly. PostgreSQL keeps the sums as
 * NUMERIC(38,15), the same scale.
 */
const AMOUNT_DECIMALS = 15;
export const RATE_DECIMALS = 9;

const SCALE = 10n ** BigInt(AMOUNT_DECIMALS);
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** A non-negative decimal string ("0.002", "12") as amount units; throws on anything else or too many decimals. */
export function parseAmount(text: string): bigint {
  const match = DECIMAL.exec(text);
  if (!match || (match[2]?.length ?? 0) > AMOUNT_DECIMALS) throw new RangeError(`"${text}" is not a decimal with at most ${AMOUNT_DECIMALS} decimals`);
  return BigInt(match[1]!) * SCALE + BigInt((match[2] ?? '').padEnd(AMOUNT_DECIMALS, '0'));
}

/** Amount units as the shortest decimal string: 2000000000000n -> "0.002". */
export function formatAmount(units: bigint): string {
  const sign = units < 0n ? '-' : '';
  const magnitude = units < 0n ? -units : units;
  const fraction = (magnitude % SCALE).toString().padStart(AMOUNT_DECIMALS, '0').replace(/0+$/, '');
  return `${sign}${magnitude / SCALE}${fraction ? `.${fraction}` : ''}`;
}

/** Amount units as a number of currency units, for answers that show numbers (a quota's used and remaining): exact to about 15 significant digits. */
export function amountAsNumber(units: bigint): number {
  return Number(units) / Number(SCALE);
}

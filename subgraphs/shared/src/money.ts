/** ISO 4217 currencies with other than two minor digits; every other code has two. */
const MINOR_DIGITS: Record<string, number> = {
  JPY: 0,
  KRW: 0,
  VND: 0,
  BHD: 3,
  KWD: 3,
  JOD: 3,
  TND: 3,
};

export interface Money {
  amount: string;
  currencyCode: string;
}

export function minorDigits(currencyCode: string): number {
  return MINOR_DIGITS[currencyCode] ?? 2;
}

export function isCurrencyCode(value: string): boolean {
  return /^[A-Z]{3}$/.test(value);
}

/** Integer minor units to the wire shape: 1990 USD -> { amount: "19.90", currencyCode: "USD" }. */
export function toMoney(minorUnits: number, currencyCode: string): Money {
  if (!Number.isSafeInteger(minorUnits)) throw new Error(`not an integer amount: ${minorUnits}`);
  const digits = minorDigits(currencyCode);
  const sign = minorUnits < 0 ? '-' : '';
  const abs = Math.abs(minorUnits)
    .toString()
    .padStart(digits + 1, '0');
  const amount = digits === 0 ? abs : `${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
  return { amount: sign + amount, currencyCode };
}

/**
 * The wire shape to integer minor units, or null when the amount is not a plain
 * non-negative decimal with at most the currency's minor digits ("19.9" and "19.90" both parse).
 */
export function parseMoney({ amount, currencyCode }: Money): number | null {
  if (!isCurrencyCode(currencyCode)) return null;
  const digits = minorDigits(currencyCode);
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(amount);
  if (!match) return null;
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

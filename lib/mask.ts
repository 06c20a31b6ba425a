/**
 * Caller numbers are personal data (PIPL, GDPR): logs and call records show 138****5678.
 * Keeps the first three and last four digits of numbers long enough to stay unidentifiable.
 */
export function maskNumber(number: string | undefined | null): string {
  if (!number) return '';
  const digits = number.replace(/[^\d+]/g, '');
  const plus = digits.startsWith('+') ? '+' : '';
  const bare = plus ? digits.slice(1) : digits;
  if (bare.length >= 8)
    return `${plus}${bare.slice(0, 3)}${'*'.repeat(bare.length - 7)}${bare.slice(-4)}`;
  if (bare.length >= 3) return `${plus}${'*'.repeat(bare.length - 2)}${bare.slice(-2)}`;
  return '*'.repeat(bare.length);
}

/**
 * Keys a caller typed that are personal data (a card, an ID, a number to call back): one `*` per
 * key, so the record still shows how many were pressed and when, never which.
 */
export function maskDigits(digits: string): string {
  return '*'.repeat(digits.length);
}

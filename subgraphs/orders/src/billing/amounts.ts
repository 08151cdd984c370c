/** a * b / c rounded half up, exactly (the product may pass 2^53); c > 0 */
export function mulDivHalfUp(a: number, b: number, c: number): number {
  const numerator = 2n * BigInt(a) * BigInt(b) + BigInt(c);
  return Number(numerator / (2n * BigInt(c)));
}

/**
 * Splits `amount` over `weights` in proportion, by largest remainder: the parts add up to
 * `amount` exactly and none is more than a cent away from its exact share. Equal weights (all
 * zero included) share equally, the first ones taking the leftover cents.
 */
export function allocate(amount: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((total, weight) => total + weight, 0);
  const basis = sum > 0 ? weights : weights.map(() => 1);
  const whole = sum > 0 ? sum : weights.length;
  const parts = basis.map((weight) => {
    const exact = BigInt(amount) * BigInt(weight);
    const floor = exact / BigInt(whole);
    return { share: Number(floor), remainder: exact - floor * BigInt(whole) };
  });
  let left = amount - parts.reduce((total, part) => total + part.share, 0);
  const order = parts
    .map((part, index) => ({ ...part, index }))
    .sort((a, b) =>
      b.remainder > a.remainder ? 1 : b.remainder < a.remainder ? -1 : a.index - b.index,
    );
  for (const { index } of order) {
    if (left <= 0) break;
    parts[index]!.share += 1;
    left -= 1;
  }
  return parts.map((part) => part.share);
}

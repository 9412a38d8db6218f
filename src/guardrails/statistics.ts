/**
 * The statistics of a guardrail category's pass rate. Pure.
 *
 * An agent's answers are probabilistic: 58 passes out of 60 attempts is an observed rate of
 * 96.7%, but the agent's true rate could well be lower. The Wilson score interval bounds it; with
 * `confidence` set, a category must show that even the lower bound reaches its minimum.
 */

/**
 * The standard normal quantile Φ⁻¹(p), 0 < p < 1, by Acklam's rational approximation (relative
 * error below 1.2e-9), so z for a two-sided 95% interval is Φ⁻¹(0.975) = 1.959964.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const poly = (coefficients: number[], x: number): number => coefficients.reduce((sum, k) => sum * x + k, 0);
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return poly(c, q) / (poly(d, q) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -poly(c, q) / (poly(d, q) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (poly(a, r) * q) / (poly(b, r) * r + 1);
}

/** z of a two-sided interval at a confidence (0.95 → 1.96). */
export function zFor(confidence: number): number {
  return normalQuantile(1 - (1 - confidence) / 2);
}

/**
 * The lower bound of the two-sided Wilson score interval for `passes` of `attempts` at a
 * confidence: (p̂ + z²/2n − z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n). 0 when there are no attempts.
 */
export function wilsonLowerBound(passes: number, attempts: number, confidence: number): number {
  if (attempts <= 0) return 0;
  const z = zFor(confidence);
  const n = attempts;
  const p = passes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.max(0, (centre - spread) / (1 + z2 / n));
}

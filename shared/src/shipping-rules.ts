/**
 * Shipping-method mapping: ordered rules from a shop's shipping method (name or code) to a
 * warehouse way of delivery. `*` is a wildcard ("DHL*" matches "DHL-1"; "D*L" matches "DYL").
 * First match wins. Matching ignores case and surrounding white space.
 */
export interface ShippingRule {
  pattern: string
  way_of_delivery: string
}

export function wildcardToRegExp(pattern: string): RegExp {
  const escaped = pattern
    .trim()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*')
  return new RegExp(`^${escaped}$`, 'is')
}

export function matchShippingRule(
  rules: readonly ShippingRule[],
  candidates: ReadonlyArray<string | null | undefined>,
): ShippingRule | null {
  const values = candidates.map((c) => (c ?? '').trim()).filter((c) => c.length > 0)
  for (const rule of rules) {
    const re = wildcardToRegExp(rule.pattern)
    if (values.some((v) => re.test(v))) return rule
  }
  return null
}

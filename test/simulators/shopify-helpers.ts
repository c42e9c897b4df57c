import {
  createShopifySimulator,
  type ShopifySimulatorOptions,
} from '../../fixtures/src/shopify/index.ts'

export const START = new Date('2026-11-20T12:00:00Z')

/** A simulator on a controllable clock. */
export function makeSim(options: ShopifySimulatorOptions = {}) {
  let now = START.getTime()
  const sim = createShopifySimulator({ clock: () => new Date(now), ...options })
  const gql = async (
    query: string,
    variables?: Record<string, unknown>,
    token = sim.credentials.accessToken,
  ) => {
    const res = await fetch(`${sim.describe().baseUrl}/admin/api/2026-10/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
      body: JSON.stringify({ query, variables }),
    })
    return { status: res.status, headers: res.headers, body: (await res.json()) as any }
  }
  return {
    sim,
    gql,
    advance: (ms: number) => {
      now += ms
    },
  }
}

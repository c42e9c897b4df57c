/**
 * Seed: "OrderNotification ⇒ Email / Customer ⇒ Email ⇐ Customer (if set, else billing address) ⇒
 * Email". Orders of registered customers take the account e-mail, read with one
 * `GET customers?include=…` per page of orders; guest orders and vanished customers keep the
 * billing e-mail; the invoice address always keeps the billing e-mail.
 *
 * The WooCommerce simulator has no /customers route, so this test serves it from the simulator's
 * own customer records (include=, role=) with an MSW handler in front of the simulator.
 */
import { HttpResponse, http } from 'msw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BILLING, type Env, listenMsw, mswServer, pickProducts, startEnv } from './helpers.ts'

beforeAll(() => listenMsw())
afterAll(() => mswServer.close())

describe('order e-mail from the registered customer, else billing', () => {
  let env: Env
  const customerCalls: URL[] = []
  beforeAll(async () => {
    env = await startEnv({ transport: 'https' })
  }, 60_000)
  afterAll(async () => env?.stop())

  const serveCustomers = (refuse = false) =>
    mswServer.use(
      http.get(`${env.sim.origin}/wp-json/wc/v3/customers`, ({ request }) => {
        const url = new URL(request.url)
        customerCalls.push(url)
        if (refuse)
          return HttpResponse.json(
            {
              code: 'woocommerce_rest_cannot_view',
              message: 'Sorry, you cannot list resources.',
              data: { status: 403 },
            },
            { status: 403 },
          )
        const ids = (url.searchParams.get('include') ?? '').split(',').map(Number)
        const list = ids
          .map((id) => env.sim.store.customers.get(id))
          .filter((c) => c !== undefined)
          .map((c) => ({ id: c.id, email: c.email, role: 'customer' }))
        return HttpResponse.json(list, { headers: { 'x-wp-total': String(list.length) } })
      }),
    )

  const emailsOf = async (id: number) => {
    const list = await env.api('GET', `/api/v1/orders?external_id=${id}`)
    expect(list.body.data).toHaveLength(1)
    const o = list.body.data[0]
    return {
      customer: o.customer.email,
      notification: o.notification.email,
      invoice: o.invoice_address.email,
    }
  }

  it('costs nothing when no order on the page has a customer (runs first: the next pass re-reads a 2-minute overlap)', async () => {
    serveCustomers()
    const picks = pickProducts(env.sim)
    const from = customerCalls.length
    const guest = env.sim.placeOrder({
      lines: [{ product_id: picks.simple.id, quantity: 1 }],
      billing: BILLING,
    })
    await env.sync(['orders'])
    expect((await emailsOf(guest.id)).customer).toBe(BILLING.email)
    expect(customerCalls.slice(from)).toHaveLength(0)
  })

  it('one customers call per page; account e-mail for registered customers only', async () => {
    serveCustomers()
    const picks = pickProducts(env.sim)
    const [a, b] = [...env.sim.store.customers.values()]
    a!.email = 'account-a@example.se'
    b!.email = 'account-b@example.se'
    const line = [{ product_id: picks.simple.id, quantity: 1 }]
    const guest = env.sim.placeOrder({ lines: line, billing: BILLING })
    const regA = env.sim.placeOrder({ lines: line, billing: BILLING, customerId: a!.id })
    const regB = env.sim.placeOrder({ lines: line, billing: BILLING, customerId: b!.id })
    const regA2 = env.sim.placeOrder({ lines: line, billing: BILLING, customerId: a!.id })
    const gone = env.sim.placeOrder({ lines: line, billing: BILLING, customerId: 9999 })
    const from = customerCalls.length
    await env.sync(['orders'])

    expect(await emailsOf(guest.id)).toEqual({
      customer: BILLING.email,
      notification: BILLING.email,
      invoice: BILLING.email,
    })
    for (const [order, email] of [
      [regA, a!.email],
      [regB, b!.email],
      [regA2, a!.email],
    ] as const)
      expect(await emailsOf(order.id)).toEqual({
        customer: email,
        notification: email,
        invoice: BILLING.email,
      })
    expect((await emailsOf(gone.id)).customer).toBe(BILLING.email)

    const calls = customerCalls.slice(from)
    expect(calls).toHaveLength(1)
    expect(
      calls[0]!.searchParams
        .get('include')!
        .split(',')
        .map(Number)
        .sort((x, y) => x - y),
    ).toEqual([a!.id, b!.id, 9999].sort((x, y) => x - y))
    expect(calls[0]!.searchParams.get('role')).toBe('all')
  })

  it('a key that may not read customers: billing e-mail, a warning on the run, order imported', async () => {
    serveCustomers(true)
    const picks = pickProducts(env.sim)
    const c = [...env.sim.store.customers.values()][2]!
    c.email = 'account-c@example.se'
    const placed = env.sim.placeOrder({
      lines: [{ product_id: picks.simple.id, quantity: 1 }],
      billing: BILLING,
      customerId: c.id,
    })
    const run = await env.sync(['orders'])
    expect(run.status).not.toBe('failed')
    expect((await emailsOf(placed.id)).customer).toBe(BILLING.email)
    const issues = await env.api('GET', `/api/v1/runs/${run.id}/issues`)
    const issue = issues.body.data.find(
      (i: { code: string }) => i.code === 'customer_lookup_failed',
    )
    expect(issue).toMatchObject({ level: 'warning' })
    expect(issue.message).toMatch(/billing e-mail/)
  })
})

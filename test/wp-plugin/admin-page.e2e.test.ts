/**
 * End to end in a real WordPress (Debian's package, MariaDB, php -S) driven by headless Chromium:
 * install the built zip through Plugins > Add New > Upload, activate, open WooCommerce > Dockhand,
 * paste the hub URL, token and WooCommerce keys, save, and check the hub (a real `dockhand serve`
 * on loopback) holds the connection and reaches the shop (the WooCommerce simulator behind the
 * site's /wp-json/wc/ path); change settings and see them on the hub; "Sync now" and see the run.
 *
 * WooCommerce itself can't be installed here: test/wp-plugin/wordpress/woocommerce-stand-in.php
 * provides only what the plugin uses from it (see its header). Skips, saying why, when PHP,
 * WordPress, Chromium or MariaDB are missing; .ci/run installs them.
 * Screenshots: test-artifacts/wp-plugin/*.png.
 *
 * "Create keys in WooCommerce" is tested in parts: the route behind the button (run inside this
 * WordPress with rest_url() made https) and the authorize URL it builds; the callback route as
 * WooCommerce's server calls it (one-time code, wrong/missing/replayed code, read-only keys); the
 * return to the page. Not tested, because it is WooCommerce's own code and needs HTTPS: the
 * /wc-auth/v1/authorize screen itself (login, approve/deny) and WooCommerce creating the key and
 * posting it to the callback. The stand-in does not fake that screen.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveSimulator } from '../../fixtures/src/common/serve.ts'
import { createSimulator } from '../../fixtures/src/index.ts'
import { buildPlugin } from '../../wp-plugin/tools/build.ts'
import { api, type HubProcess, REPO, spawnHub } from '../helpers/process.ts'
import { installTranslations } from './translations.ts'
import {
  CHROMIUM,
  freePort,
  missingForE2e,
  startWordPress,
  type TestWordPress,
} from './wordpress.ts'

const missing = missingForE2e()
const ARTIFACTS = join(REPO, 'test-artifacts', 'wp-plugin')
const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef'

if (missing && process.env.DOCKHAND_REQUIRE_WP_E2E === '1') {
  // CI (.ci/run) installs everything: there a missing piece is a failure, not a skip.
  it('has what the WordPress e2e needs', () => {
    throw new Error(`The WordPress e2e can't run: this machine has no ${missing}.`)
  })
} else if (missing) {
  it.skip(`WordPress e2e skipped: this machine has no ${missing}`, () => {})
}

describe.skipIf(missing !== null)('Dockhand for WooCommerce in a real WordPress', () => {
  let tmp = ''
  let hub: HubProcess
  let wp: TestWordPress
  let browser: Browser
  let page: Page
  let closeSim: () => Promise<void> = async () => {}
  let ownerToken = ''
  let credentials = { consumerKey: '', consumerSecret: '' }
  const seen: string[] = []

  const shot = (name: string) =>
    page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true })

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'dockhand-wp-e2e-'))
    mkdirSync(ARTIFACTS, { recursive: true })
    const zip = join(tmp, 'dockhand-for-woocommerce.zip')
    await buildPlugin({ typecheck: false, buildDir: join(tmp, 'build'), zipPath: zip, quiet: true })

    const wpPort = await freePort()
    const wpUrl = `http://127.0.0.1:${wpPort}`
    const sim = createSimulator('woocommerce', { seed: 8, products: 6, orders: 4 })
    const served = await serveSimulator(sim, { port: 0 })
    closeSim = served.close
    // The hub signs OAuth 1.0a against the shop URL it calls: the site's, forwarded to the simulator.
    sim.setOrigin(wpUrl)
    credentials = (sim as unknown as { credentials: typeof credentials }).credentials

    hub = await spawnHub({
      DOCKHAND_DATA_DIR: join(tmp, 'hub'),
      DOCKHAND_ADMIN_TOKEN: ADMIN_TOKEN,
      DOCKHAND_LOG_LEVEL: 'info',
    })
    const owner = await api(hub.url, ADMIN_TOKEN, 'POST', '/api/v1/goods-owners', {
      name: 'Shop owner',
    })
    const token = await api(hub.url, ADMIN_TOKEN, 'POST', '/api/v1/tokens', {
      name: 'wordpress',
      role: 'owner',
      goods_owner_id: owner.body.id,
    })
    ownerToken = token.body.token

    wp = await startWordPress({ root: tmp, wooCommerceApi: served.url, port: wpPort })

    const { chromium } = await import('playwright-core')
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    })
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    // wp-admin pages are heavy for PHP's built-in server on a loaded 2-core CI machine; waits are
    // for states, never for durations, so a generous ceiling costs nothing when things are fast.
    page.setDefaultTimeout(60_000)
    page.setDefaultNavigationTimeout(90_000)
    page.on('response', async (res) => {
      if (res.url().includes('dockhand')) seen.push(await res.text().catch(() => ''))
    })
    ;(globalThis as { __zip?: string }).__zip = zip
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await wp?.stop()
    await hub?.kill('SIGTERM')
    await closeSim()
    if (tmp) rmSync(tmp, { recursive: true, force: true })
  }, 150_000)

  it('installs the zip through Plugins > Add New > Upload and activates it', async () => {
    await page.goto(`${wp.url}/wp-login.php`)
    await page.fill('#user_login', 'admin')
    await page.fill('#user_pass', 'password')
    await shot('01-login')
    await Promise.all([
      page.waitForURL(/wp-admin/, { waitUntil: 'domcontentloaded' }),
      page.click('#wp-submit'),
    ])

    await page.goto(`${wp.url}/wp-admin/plugin-install.php?tab=upload`)
    await page.setInputFiles('#pluginzip', (globalThis as { __zip?: string }).__zip!)
    await shot('02-upload')
    // The install page streams its output: wait for WordPress's own words, not a load event.
    await page.click('#install-plugin-submit')
    await page.waitForSelector('text=Plugin installed successfully', { timeout: 45_000 })
    await shot('03-installed')
    await page.click('a:has-text("Activate Plugin")')
    await page.waitForSelector('text=Plugin activated', { timeout: 30_000 })
    await shot('04-activated')
  }, 150_000)

  it('shows WooCommerce > Dockhand and saves a connection the hub then holds and tests', async () => {
    await page.goto(`${wp.url}/wp-admin/admin.php?page=dockhand`)
    await page.waitForSelector('.dockhand-connect')
    expect(await page.locator('#toplevel_page_woocommerce a:has-text("Dockhand")').count()).toBe(1)
    // Plain-HTTP site: WooCommerce would refuse the key callback, so the button says why.
    expect(await page.textContent('.dockhand-connect')).toContain(
      'only hands out keys to sites served over HTTPS',
    )
    await shot('05-connect-empty')

    // A hub that isn't there: the plugin says so in plain words instead of failing silently.
    const closed = `http://127.0.0.1:${await freePort()}`
    await page.getByLabel('Hub URL').fill(closed)
    await page.getByLabel('Hub token').fill(ownerToken)
    await page.getByLabel('Consumer key').fill(credentials.consumerKey)
    await page.getByLabel('Consumer secret').fill(credentials.consumerSecret)
    await page.click('button:has-text("Save and connect")')
    await page.waitForSelector('.dockhand-connect-error')
    expect(await page.textContent('.dockhand-connect-error')).toContain(
      `Dockhand can't reach the hub at ${closed}: connection refused`,
    )
    await shot('05b-hub-unreachable')

    await page.getByLabel('Hub URL').fill(hub.url)
    await page.click('button:has-text("Save and connect")')
    await page.waitForSelector('.dockhand-test-result', { timeout: 60_000 })
    const result = (await page.textContent('.dockhand-test-result')) ?? ''
    await page.waitForSelector('.dockhand-settings')
    await shot('06-connected')

    const list = await api(hub.url, ADMIN_TOKEN, 'GET', '/api/v1/connections?platform=woocommerce')
    expect(list.body.data).toHaveLength(1)
    expect(list.body.data[0]).toMatchObject({ base_url: wp.url, name: 'Dockhand E2E Shop' })
    expect(page.locator('.dockhand-test-result.is-success')).toBeDefined()
    expect(await page.locator('.dockhand-test-result.is-success').count(), result).toBe(1)

    // After saving, neither the token nor the consumer secret reaches the browser.
    const html = await page.content()
    for (const secret of [ownerToken, credentials.consumerSecret]) {
      expect(html).not.toContain(secret)
      expect(seen.some((body) => body.includes(secret))).toBe(false)
    }
  }, 150_000)

  it('saves changed settings on the hub, validated in the browser first', async () => {
    const interval = page.locator('.field-interval_minutes input')
    if ((await interval.count()) === 0) await page.click('button:has-text("Schedule")')
    await page.locator('.field-interval_minutes input').fill('0')
    await page.waitForSelector('.field-interval_minutes .dockhand-error')
    expect(await page.locator('button:has-text("Save settings")').isDisabled()).toBe(true)
    await shot('07-settings-invalid')
    await page.locator('.field-interval_minutes input').fill('30')
    await page.locator('.field-processes\\.stock input').click()
    await page.click('button:has-text("Save settings")')
    await page.waitForSelector('.dockhand-settings-result.is-success')
    await shot('08-settings-saved')

    const list = await api(hub.url, ADMIN_TOKEN, 'GET', '/api/v1/connections?platform=woocommerce')
    expect(list.body.data[0].settings).toMatchObject({
      interval_minutes: 30,
      processes: { stock: false, orders: true },
    })
  }, 150_000)

  it('runs "Sync now" and shows the run with counts', async () => {
    await page.click('button:has-text("Sync now")')
    await page.waitForSelector('.dockhand-progress')
    await shot('09-sync-running')
    await page.waitForSelector(
      '.dockhand-progress[data-status="succeeded"], .dockhand-progress[data-status="partial"], .dockhand-progress[data-status="failed"]',
      { timeout: 60_000 },
    )
    await page.waitForSelector('table.dockhand-runs tr[data-process="orders"]')
    await shot('10-sync-done')
    const connection = (
      await api(hub.url, ADMIN_TOKEN, 'GET', '/api/v1/connections?platform=woocommerce')
    ).body.data[0]
    const runs = await api(hub.url, ADMIN_TOKEN, 'GET', `/api/v1/connections/${connection.id}/runs`)
    expect(runs.body.data.length).toBeGreaterThanOrEqual(1)
    expect(runs.body.data[0].trigger).toBe('manual')
    const status = await page.getAttribute('.dockhand-progress', 'data-status')
    expect(status, `${runs.body.data[0].error ?? ''}\n${wp.log().slice(-2000)}`).toBe(
      runs.body.data[0].status,
    )
  }, 150_000)

  const hubConnections = async () =>
    (await api(hub.url, ADMIN_TOKEN, 'GET', '/api/v1/connections?platform=woocommerce')).body
      .data as Array<{ id: string; goods_owner_id: string; settings: Record<string, unknown> }>

  it('lists the orders that need attention, each linked to its order screen in wp-admin', async () => {
    const [connection] = await hubConnections()
    // No shipping rules yet: every imported order needs attention (unmapped shipping method).
    const orders = (
      await api(
        hub.url,
        ADMIN_TOKEN,
        'GET',
        `/api/v1/orders?needs_attention=true&connection_id=${connection!.id}&limit=100`,
      )
    ).body.data as Array<{ order_number: string; external_id: string }>
    expect(orders.length).toBeGreaterThan(0)
    // A fresh load, so the list is the one fetched after the run finished (not one in flight).
    await page.reload()
    await page.waitForSelector('table.dockhand-attention a.dockhand-order-link')
    await shot('11-attention')
    const links = await page
      .locator('table.dockhand-attention a.dockhand-order-link')
      .evaluateAll((as) => as.map((a) => ({ text: a.textContent, href: a.getAttribute('href') })))
    // The stand-in has no OrderUtil, so this is the classic edit screen; with WooCommerce the
    // plugin asks OrderUtil::get_order_admin_edit_url() (HPOS on or off).
    const expected = orders.map((o) => ({
      text: `#${o.order_number}`,
      href: `${wp.url}/wp-admin/post.php?post=${o.external_id}&action=edit`,
    }))
    const byText = (a: { text: string | null }, b: { text: string | null }) =>
      String(a.text).localeCompare(String(b.text))
    expect([...links].sort(byText)).toEqual([...expected].sort(byText))
    expect(await page.textContent('table.dockhand-attention')).toContain(
      'Shipping method has no warehouse way of delivery',
    )
  }, 150_000)

  it('saves shipping-method rules from the editor on the hub, in order, wildcards included', async () => {
    const editor = page.locator('.dockhand-rules')
    await editor.waitFor()
    await editor.locator('button:has-text("Add rule")').click()
    await editor.getByLabel('Shipping method or pattern').last().fill('*')
    await editor.getByLabel('Way of delivery').last().fill('DHL-PARCEL')
    await editor.locator('button:has-text("Add rule")').click()
    await editor.getByLabel('Shipping method or pattern').last().fill('Flat*')
    await editor.getByLabel('Way of delivery').last().fill('POSTNORD')
    // Move the specific rule above the catch-all: first match wins.
    await editor.locator('.dockhand-rule').last().locator('button:has-text("↑")').click()
    await editor.getByLabel('Try a shipping method').fill('Flat rate')
    expect(await editor.textContent()).toContain('→ POSTNORD (Flat*)')
    await editor.locator('button:has-text("Save rules")').click()
    await page.waitForSelector('.dockhand-rules-result.is-success')
    await shot('12-shipping-rules-saved')

    const [connection] = await hubConnections()
    const rules = await api(
      hub.url,
      ADMIN_TOKEN,
      'GET',
      `/api/v1/shipping-rules?goods_owner_id=${connection!.goods_owner_id}`,
    )
    expect(
      (rules.body.data as Array<{ pattern: string; way_of_delivery: string }>).map((r) => ({
        pattern: r.pattern,
        way_of_delivery: r.way_of_delivery,
      })),
    ).toEqual([
      { pattern: 'Flat*', way_of_delivery: 'POSTNORD' },
      { pattern: '*', way_of_delivery: 'DHL-PARCEL' },
    ])
    // And the page shows what the hub now holds after a reload.
    await page.reload()
    await page.waitForSelector('.dockhand-rule')
    const patterns = await page
      .locator('.dockhand-rule')
      .evaluateAll((rows) => rows.map((r) => r.querySelector('input')?.value))
    expect(patterns).toEqual(['Flat*', '*'])
  }, 150_000)

  it('updates the same hub connection when saved again, also after the plugin lost its id', async () => {
    const [before] = await hubConnections()
    const save = async () => {
      const [res] = await Promise.all([
        page.waitForResponse((r) => r.url().includes('/dockhand/v1/connect')),
        page.click('button:has-text("Save and connect")'),
      ])
      expect(res.status(), await res.text()).toBe(200)
      await page.waitForSelector('.dockhand-test-result.is-success')
    }

    // Saved again with the keys pasted again: the plugin PATCHes the connection it holds.
    await page.goto(`${wp.url}/wp-admin/admin.php?page=dockhand`)
    await page.waitForSelector('.dockhand-connect')
    await page.getByLabel('Consumer key').fill(credentials.consumerKey)
    await page.getByLabel('Consumer secret').fill(credentials.consumerSecret)
    await save()
    let after = await hubConnections()
    expect(after).toHaveLength(1)
    expect(after[0]!.id).toBe(before!.id)
    // Settings changed earlier on the page are kept, not reset to defaults.
    expect(after[0]!.settings).toMatchObject({ interval_minutes: 30, processes: { stock: false } })

    // As after deleting and reinstalling the plugin with the same keys: no stored connection id.
    // The plugin finds the shop's connection on the hub by its URL instead of creating another.
    wp.php("delete_option( 'dockhand_connection_id' );")
    await page.reload()
    await page.waitForSelector('.dockhand-connect')
    expect(await page.textContent('.dockhand-connect')).not.toContain('connected as')
    await save()
    await shot('13-connection-updated')
    after = await hubConnections()
    expect(after).toHaveLength(1)
    expect(after[0]!.id).toBe(before!.id)
    expect(wp.php("echo get_option( 'dockhand_connection_id' );")).toBe(before!.id)
    expect(after[0]!.settings).toMatchObject({ interval_minutes: 30 })
  }, 150_000)

  it('shows a notice, not a fatal error, when WooCommerce is too old or missing', async () => {
    const standIn = 'dockhand-test-woocommerce-stand-in/woocommerce-stand-in.php'
    wp.php("update_option( 'dockhand_test_wc_version', '7.9.0' );")
    try {
      await page.goto(`${wp.url}/wp-admin/plugins.php`)
      const tooOld = page.locator(
        '.notice-error:has-text("Dockhand for WooCommerce needs WooCommerce 8.0 or newer; this shop runs 7.9.0")',
      )
      expect(await tooOld.count()).toBe(1)
      await shot('14-woocommerce-too-old')
      // Nothing of the plugin runs: no page under WooCommerce, no REST routes.
      expect(await page.locator('#toplevel_page_woocommerce a:has-text("Dockhand")').count()).toBe(
        0,
      )
      expect((await fetch(`${wp.url}/wp-json/dockhand/v1/state`)).status).toBe(404)

      wp.php(`deactivate_plugins( '${standIn}' );`)
      await page.goto(`${wp.url}/wp-admin/plugins.php`)
      const missing = page.locator(
        '.notice-error:has-text("Dockhand for WooCommerce needs WooCommerce. Install and activate WooCommerce")',
      )
      expect(await missing.count()).toBe(1)
      await shot('15-woocommerce-missing')
      await page.goto(`${wp.url}/wp-admin/index.php`)
      expect(await missing.count()).toBe(1)
      expect(wp.log()).not.toMatch(/PHP (Fatal|Parse) error/)
    } finally {
      wp.php(`delete_option( 'dockhand_test_wc_version' ); activate_plugin( '${standIn}' );`)
    }
    await page.goto(`${wp.url}/wp-admin/admin.php?page=dockhand`)
    await page.waitForSelector('.dockhand-activity')
  }, 150_000)

  it('"Create keys in WooCommerce": the authorize URL it builds and the callback WooCommerce posts the keys to', async () => {
    // WooCommerce only posts keys to an https:// callback, and this site is plain HTTP (the
    // button says so, see above). So the route behind the button runs inside this WordPress with
    // rest_url() filtered to https, as on a real shop; the rest is plain HTTP requests.
    const started = JSON.parse(
      wp.php(`
        add_filter( 'rest_url', static function ( $url ) { return set_url_scheme( $url, 'https' ); } );
        wp_set_current_user( 1 );
        $request = new WP_REST_Request( 'POST', '/dockhand/v1/wc-keys/start' );
        $request->set_header( 'X-WP-Nonce', wp_create_nonce( 'wp_rest' ) );
        echo wp_json_encode( rest_do_request( $request )->get_data() );
      `),
    ) as { authorize_url: string }
    // https://woocommerce.github.io/woocommerce-rest-api-docs/#rest-api-keys
    const url = new URL(started.authorize_url)
    expect(`${url.origin}${url.pathname}`).toBe(`${wp.url}/wc-auth/v1/authorize`)
    const q = Object.fromEntries(url.searchParams)
    expect(Object.keys(q).sort()).toEqual([
      'app_name',
      'callback_url',
      'return_url',
      'scope',
      'user_id',
    ])
    expect(q).toMatchObject({
      app_name: 'Dockhand',
      scope: 'read_write',
      return_url: `${wp.url}/wp-admin/admin.php?page=dockhand&dockhand_keys=returned`,
      callback_url: `${wp.url.replace('http:', 'https:')}/wp-json/dockhand/v1/wc-keys/callback`,
    })
    // user_id carries a one-time code (WooCommerce posts it back), not a WordPress user id.
    expect(q.user_id).toMatch(/^[A-Za-z0-9]{40}$/)

    // What WooCommerce's server then sends (WC_Auth::post_consumer_data): JSON, no cookie.
    const callback = `${wp.url}/wp-json/dockhand/v1/wc-keys/callback`
    const post = (body: Record<string, unknown>) =>
      fetch(callback, {
        method: 'POST',
        headers: { 'content-type': 'application/json;charset=UTF-8' },
        body: JSON.stringify(body),
      })
    const keys = {
      key_id: 7,
      consumer_key: `ck_${'c'.repeat(40)}`,
      consumer_secret: `cs_${'d'.repeat(40)}`,
      key_permissions: 'read_write',
    }
    const stored = () =>
      wp.php(
        "echo get_option( 'dockhand_wc_consumer_key' ) . ' ' . get_option( 'dockhand_wc_consumer_secret' );",
      )
    const original = stored()
    try {
      expect((await post({ ...keys, user_id: 'not-the-code' })).status).toBe(403)
      expect((await post({ ...keys })).status).toBe(403)
      expect((await post({ ...keys, user_id: q.user_id, key_permissions: 'read' })).status).toBe(
        400,
      )
      expect(stored()).toBe(original)
      const ok = await post({ ...keys, user_id: q.user_id })
      expect(ok.status).toBe(200)
      expect(await ok.json()).toEqual({ received: true })
      expect(stored()).toBe(`${keys.consumer_key} ${keys.consumer_secret}`)
      // The code works once: a replay is refused and changes nothing.
      const replay = await post({
        ...keys,
        user_id: q.user_id,
        consumer_key: `ck_${'e'.repeat(40)}`,
      })
      expect(replay.status).toBe(403)
      expect(stored()).toBe(`${keys.consumer_key} ${keys.consumer_secret}`)

      // WooCommerce sends the browser back to return_url with success=1 (or 0 when denied).
      await page.goto(`${q.return_url}&success=1&user_id=${q.user_id}`)
      await page.waitForSelector('text=WooCommerce created read/write keys for Dockhand')
      expect(await page.textContent('.dockhand-connect')).toContain(`…${'c'.repeat(7)}`)
      expect(await page.content()).not.toContain(keys.consumer_secret)
      await shot('16-keys-returned')
      await page.goto(`${q.return_url}&success=0`)
      await page.waitForSelector(
        'text=No keys were created: the request was denied in WooCommerce.',
      )
    } finally {
      const [key, secret] = original.split(' ')
      wp.php(
        `update_option( 'dockhand_wc_consumer_key', '${key}' ); update_option( 'dockhand_wc_consumer_secret', '${secret}' );`,
      )
    }
  }, 150_000)

  it("speaks the admin user's language: PHP strings from the .mo, the UI's through wp_set_script_translations", async () => {
    // A German .mo and the Jed JSON named after md5("build/index.js"), as `wp i18n make-json` makes it.
    installTranslations(
      join(wp.pluginsDir, 'dockhand-for-woocommerce'),
      'de_DE',
      { Settings: 'Einstellungen' },
      {
        'Sync now': 'Jetzt synchronisieren',
        Processes: 'Prozesse',
        'Send orders to the warehouse': 'Bestellungen an das Lager senden',
        'Hub default: %s': 'Standard des Hubs: %s',
      },
    )
    wp.php("update_user_meta( 1, 'locale', 'de_DE' );")
    try {
      await page.goto(`${wp.url}/wp-admin/plugins.php`)
      const row = page.locator('tr[data-slug="dockhand-for-woocommerce"]')
      expect(await row.locator('a:has-text("Einstellungen")').count()).toBe(1)
      await page.goto(`${wp.url}/wp-admin/admin.php?page=dockhand`)
      await page.waitForSelector('button:has-text("Jetzt synchronisieren")')
      await page.waitForSelector('.dockhand-settings')
      const settings = (await page.textContent('.dockhand-settings')) ?? ''
      expect(settings).toContain('Prozesse')
      expect(settings).toContain('Bestellungen an das Lager senden')
      expect(settings).toContain('Standard des Hubs: on')
      await shot('20-translated-de_DE')
    } finally {
      wp.php("delete_user_meta( 1, 'locale' );")
    }
  }, 150_000)
})

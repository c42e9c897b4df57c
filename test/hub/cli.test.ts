/** The dockhand command, run as a real process against a temporary data dir. */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serveSimulator } from '../../fixtures/src/common/serve.ts'
import { createShopifySimulator } from '../../fixtures/src/shopify/index.ts'
import { type TestDatabase, testDatabase } from '../helpers/database.ts'
import { REPO } from '../helpers/process.ts'

const run = promisify(execFile)
const dataDir = mkdtempSync(join(tmpdir(), 'dockhand-cli-'))
let database: TestDatabase
beforeAll(async () => {
  database = await testDatabase()
})
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true })
  await database?.drop()
})

async function dockhand(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/dockhand.js', ...args], {
      cwd: REPO,
      env: {
        ...process.env,
        DOCKHAND_DATA_DIR: dataDir,
        DOCKHAND_LOG_LEVEL: 'silent',
        ...database.env,
      },
    })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('dockhand CLI', () => {
  let ownerId: string

  it('prints help', async () => {
    const r = await dockhand('--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/connection sync <id>/)
  })

  it('migrates, and adds and lists goods owners with --json', async () => {
    expect((await dockhand('migrate')).stdout).toMatch(/applied|up to date/)
    const added = await dockhand('owner', 'add', 'Acme AB', '--json')
    expect(added.code).toBe(0)
    ownerId = JSON.parse(added.stdout).id
    expect(ownerId).toMatch(/^own_/)
    const list = await dockhand('owner', 'list', '--json')
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ id: ownerId, name: 'Acme AB' }),
    ])
    const plain = await dockhand('owner', 'list')
    expect(plain.stdout).toContain(`${ownerId}\tAcme AB`)
  })

  it('creates an owner token that is printed once', async () => {
    const r = await dockhand('token', 'create', '--owner', ownerId)
    expect(r.code).toBe(0)
    expect(r.stdout.trim()).toMatch(/^dh_owner_[A-Za-z0-9_-]{20,}$/)
    const bad = await dockhand('token', 'create', '--owner', 'own_nope')
    expect(bad.code).not.toBe(0)
    expect(bad.stderr).toMatch(/No goods owner with id "own_nope"/)
  })

  it('rejects stock for unknown articles with a clear message and a non-zero exit', async () => {
    const r = await dockhand('stock', 'set', '--owner', ownerId, 'GHOST=3')
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/stock changes are invalid/)
  })

  it('lists orders (none yet) and explains unknown commands', async () => {
    const r = await dockhand('orders', 'list', '--json')
    expect(JSON.parse(r.stdout)).toEqual([])
    const unknown = await dockhand('frobnicate')
    expect(unknown.code).toBe(64)
    expect(unknown.stderr).toMatch(/unknown command "frobnicate"/)
  })

  it('adds, tests and syncs a connection to a simulated shop, waiting with progress lines', async () => {
    const sim = createShopifySimulator({ seed: 3, products: 4, orders: 4 })
    const served = await serveSimulator(sim)
    sim.setOrigin(served.url)
    try {
      const location = [...sim.store.locations.values()].find((l) => !l.fulfillmentServiceHandle)!
      const added = await dockhand(
        'connection',
        'add',
        '--owner',
        ownerId,
        '--platform',
        'shopify',
        '--name',
        'CLI Shopify',
        '--shop',
        sim.credentials.shop,
        '--url',
        served.url,
        '--cred',
        `access_token=${sim.credentials.accessToken}`,
        '--setting',
        `location_id="gid://shopify/Location/${location.id}"`,
        '--json',
      )
      expect(added.code, added.stderr).toBe(0)
      const connection = JSON.parse(added.stdout)
      expect(added.stdout).not.toContain(sim.credentials.accessToken)
      const listed = await dockhand('connection', 'list')
      expect(listed.stdout).toContain(`${connection.id}\tshopify\tactive\tCLI Shopify`)
      const tested = await dockhand('connection', 'test', connection.id)
      expect(tested.code, tested.stdout + tested.stderr).toBe(0)
      expect(tested.stdout).toMatch(/Connected to/)
      const synced = await dockhand(
        'connection',
        'sync',
        connection.id,
        '--process',
        'articles',
        '--process',
        'orders',
        '--wait',
      )
      expect(synced.code, synced.stdout + synced.stderr).toBe(0)
      // Not a terminal: plain lines, ending with the finished state of each process.
      expect(synced.stdout.trim().split('\n').at(-1)).toMatch(
        /^succeeded: articles \d+\/\d+ ✓ {2}orders \d+\/\d+ ✓$/,
      )
      const articles = await dockhand('orders', 'list', '--json')
      expect(articles.code).toBe(0)
    } finally {
      await served.close()
    }
  }, 60_000)
})

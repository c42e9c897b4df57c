/**
 * The plugin's PHP passes `php -l` (PHP 7.4+ syntax), and the built zip holds only what
 * WordPress needs, with WordPress's own React and components left out of the bundle.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { buildPlugin, PLUGIN_DIR } from '../../wp-plugin/tools/build.ts'

const hasPhp = spawnSync('php', ['--version']).status === 0

function phpFiles(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: false })
    .map(String)
    .filter((f) => f.endsWith('.php') && !f.startsWith('build/') && !f.includes('node_modules'))
    .map((f) => join(dir, f))
}

describe.skipIf(!hasPhp)('php -l', () => {
  const files = [...phpFiles(PLUGIN_DIR), ...phpFiles(join(import.meta.dirname, 'wordpress'))]
  it.each(files)('%s has no syntax errors', (file) => {
    const out = spawnSync('php', ['-l', file], { encoding: 'utf8' })
    expect(out.stdout + out.stderr).toMatch(/No syntax errors detected/)
    expect(out.status).toBe(0)
  })
})
if (!hasPhp) {
  it.skip('php -l: skipped, PHP is not installed (apt-get install php-cli; .ci/run installs it)', () => {})
}

describe('the installable zip', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'dockhand-zip-'))
  afterAll(() => rmSync(tmp, { recursive: true, force: true }))

  it('holds the plugin PHP, readme and built assets only, with WordPress scripts as dependencies', async () => {
    const zip = join(tmp, 'plugin.zip')
    const files = await buildPlugin({
      typecheck: false,
      buildDir: join(tmp, 'build'),
      zipPath: zip,
      quiet: true,
    })
    expect(files.every((f) => f.startsWith('dockhand-for-woocommerce/'))).toBe(true)
    expect(files).toEqual(
      expect.arrayContaining([
        'dockhand-for-woocommerce/dockhand-for-woocommerce.php',
        'dockhand-for-woocommerce/uninstall.php',
        'dockhand-for-woocommerce/readme.txt',
        'dockhand-for-woocommerce/includes/class-rest-controller.php',
        'dockhand-for-woocommerce/build/index.js',
        'dockhand-for-woocommerce/build/index.asset.php',
        'dockhand-for-woocommerce/languages/dockhand-for-woocommerce.pot',
      ]),
    )
    expect(files.some((f) => /\/(src|tools|node_modules)\/|\.tsx?$|tsconfig/.test(f))).toBe(false)
    const asset = readFileSync(join(tmp, 'build', 'index.asset.php'), 'utf8')
    for (const handle of ['wp-element', 'wp-components', 'wp-api-fetch', 'wp-i18n'])
      expect(asset).toContain(`'${handle}'`)
    expect(asset).toMatch(/'version' => '[0-9a-f]{20}'/)
    const js = readFileSync(join(tmp, 'build', 'index.js'), 'utf8')
    // React is WordPress's: not bundled.
    expect(js).not.toMatch(/__SECRET_INTERNALS|react\.production/)
    expect(js).toContain('window.wp.element')
    // zod is bundled once, tree-shaken: the hub's schema and zod's English messages (the default
    // locale), not its other locales or unused schema types. Was 496 KB before the namespace-import
    // rewrite in tools/build.ts; now ~134 KB.
    expect(js.length).toBeLessThan(180_000)
    expect(js).toContain('Too small: expected')
    expect(js).not.toContain('Ungültige Eingabe') // zod's German locale
    expect(js).not.toContain('無効な入力') // zod's Japanese locale
    // The zip is readable by a standard unzip (when present).
    if (spawnSync('unzip', ['-v']).status === 0) {
      const list = execFileSync('unzip', ['-l', zip], { encoding: 'utf8' })
      expect(list).toContain('dockhand-for-woocommerce/includes/class-hub-client.php')
      expect(spawnSync('unzip', ['-tq', zip]).status).toBe(0)
    }
  })
})

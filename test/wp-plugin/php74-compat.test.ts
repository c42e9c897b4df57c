/**
 * PHP 7.4 compatibility ("Requires PHP: 7.4"), checked statically: the machines and CI have
 * PHP 8.x only, where `php -l` accepts 8.0+ syntax. php74-compat.php scans the plugin with PHP's
 * own tokenizer for what a 7.4 parser or runtime rejects: match, ?->, attributes, enums,
 * readonly, named arguments, union/mixed/static/never types, constructor promotion, `new` in
 * initializers, trailing commas in parameter lists, catch without a variable, throw as an
 * expression, first-class callables, $object::class, and 8.0+ functions/classes
 * (str_contains, str_starts_with, get_debug_type…). Typed properties and arrow functions are 7.4
 * and allowed. Not covered: behaviour that changed between 7.4 and 8.x at runtime (e.g. string
 * to number comparison) — that needs a PHP 7.4 interpreter, which Debian no longer ships.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PLUGIN_DIR } from '../../wp-plugin/tools/build.ts'

const SCANNER = join(import.meta.dirname, 'php74-compat.php')
const hasPhp = spawnSync('php', ['--version']).status === 0

const pluginPhp = (readdirSync(PLUGIN_DIR, { recursive: true }) as string[])
  .map((f) => f.split('\\').join('/'))
  .filter((f) => f.endsWith('.php') && !f.startsWith('build/') && !f.includes('node_modules'))
  .map((f) => join(PLUGIN_DIR, f))

describe.skipIf(!hasPhp)('PHP 7.4 compatibility (static scan)', () => {
  it('finds no PHP 8.0+ syntax or functions in the plugin', () => {
    expect(pluginPhp.length).toBeGreaterThanOrEqual(7)
    const out = spawnSync('php', [SCANNER, ...pluginPhp], { encoding: 'utf8' })
    expect(out.stdout + out.stderr).toBe('')
    expect(out.status).toBe(0)
  })

  it('catches each PHP 8 construct in a sample, and leaves 7.4 code alone', () => {
    const fixture = join(import.meta.dirname, 'php74-compat.fixture.txt')
    expect(existsSync(fixture)).toBe(true)
    const out = spawnSync('php', [SCANNER, fixture], { encoding: 'utf8' })
    expect(out.status).toBe(1)
    const found = out.stdout
      .trim()
      .split('\n')
      .map((l) => l.replace(/^.*?:(\d+): /, '$1 '))
    expect(found).toEqual([
      '4 constructor property promotion (PHP 8.0)',
      '4 new in an initializer (PHP 8.1)',
      '4 trailing comma in a parameter list (PHP 8.0)',
      '5 union type (PHP 8.0)',
      '5 type mixed (PHP 8.0+)',
      '5 static return type (PHP 8.0)',
      '5 union return type (PHP 8.0)',
      '5 nullsafe operator ?-> (PHP 8.0)',
      '6 type mixed (PHP 8.0+)',
      '6 match expression (PHP 8.0)',
      '8 attribute #[...] (PHP 8.0)',
      '10 function str_contains() (PHP 8.0+)',
      '11 function str_starts_with() (PHP 8.0+)',
      '13 $object::class (PHP 8.0)',
      '14 catch without a variable (PHP 8.0)',
      '15 throw as an expression (PHP 8.0)',
      '16 first-class callable syntax f(...) (PHP 8.1)',
      '17 named argument double_encode: (PHP 8.0)',
      '18 function enum_exists() (PHP 8.0+)',
      '20 enum (PHP 8.1)',
      '21 readonly (PHP 8.1)',
    ])
    // Lines 22-23: a ternary with null, ?int, ?array, default arrays: valid PHP 7.4, not reported.
  })
})
if (!hasPhp) it.skip('PHP 7.4 scan: skipped, PHP is not installed (.ci/run installs it)', () => {})

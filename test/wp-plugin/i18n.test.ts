/**
 * Translations: every user-visible string of the plugin goes through WordPress's gettext functions
 * with the plugin's text domain, and the committed .pot holds exactly those strings.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { GROUPS, groupTitle, settingsFields } from '../../wp-plugin/src/form.ts'
import {
  collect,
  extractPhp,
  extractTs,
  makePot,
  POT_PATH,
  untranslatedJsx,
} from '../../wp-plugin/tools/make-pot.ts'
import { moFile } from './translations.ts'

vi.mock('@wordpress/i18n', () => import('./i18n-stub.ts'))

const SRC = join(import.meta.dirname, '..', '..', 'wp-plugin', 'src')

describe('the .pot', () => {
  it('is current: wp-plugin/languages/dockhand-for-woocommerce.pot is what the extractor makes now (npm run build:plugin regenerates it)', () => {
    expect(readFileSync(POT_PATH, 'utf8')).toBe(makePot())
  })

  it('has no translation call with another text domain or a non-literal text', () => {
    expect(collect().problems).toEqual([])
  })

  it('holds every settings label and group title of the form, the PHP notices and the plugin header', () => {
    const ids = new Set(collect().messages.map((m) => m.msgid))
    for (const f of settingsFields()) expect(ids, f.path).toContain(f.label)
    for (const g of GROUPS) expect(ids).toContain(groupTitle(g))
    expect(ids).toContain('Dockhand for WooCommerce')
    expect(ids).toContain(
      'Dockhand for WooCommerce needs WooCommerce. Install and activate WooCommerce, then open WooCommerce > Dockhand.',
    )
    expect(ids).toContain('Sync now')
  })

  it('gives translators a comment for every string with placeholders', () => {
    const missing = collect()
      .messages.filter((m) => /%(\d+\$)?[sd]/.test(m.msgid) && m.comments.length === 0)
      .map((m) => `${m.refs.join(' ')} ${m.msgid}`)
    expect(missing).toEqual([])
  })

  it('references the UI strings as build/index.js, the file wp_set_script_translations() loads', () => {
    const pot = readFileSync(POT_PATH, 'utf8')
    expect(pot).toMatch(/#: build\/index\.js src\/components\/activity\.tsx:\d+\nmsgid "Sync now"/)
    expect(pot).toMatch(
      /msgid "%d problem in the last finished run"\nmsgid_plural "%d problems in the last finished run"/,
    )
  })

  it('compiles with GNU msgfmt --check when gettext is installed', () => {
    if (spawnSync('msgfmt', ['--version']).status !== 0) return
    const out = spawnSync('msgfmt', ['--check-format', '-o', '/dev/null', POT_PATH], {
      encoding: 'utf8',
    })
    expect(out.status, out.stderr).toBe(0)
  })

  it('and GNU msgunfmt reads the e2e test .mo (when gettext is installed)', () => {
    if (spawnSync('msgunfmt', ['--version']).status !== 0) return
    const out = spawnSync('msgunfmt', ['-'], {
      input: moFile({ Settings: 'Einstellungen' }),
      encoding: 'utf8',
    })
    expect(out.stdout).toContain('msgid "Settings"\nmsgstr "Einstellungen"')
  })
})

describe('the admin UI', () => {
  it('has no visible English outside __() in its JSX', () => {
    const files = (readdirSync(SRC, { recursive: true }) as string[]).filter((f) =>
      f.endsWith('.tsx'),
    )
    expect(files.length).toBeGreaterThan(3)
    const found = files.flatMap((f) => untranslatedJsx(readFileSync(join(SRC, f), 'utf8'), f))
    expect(found).toEqual([])
  })
})

describe('the extractor', () => {
  it('reads PHP gettext calls with escaped quotes, contexts, plurals and translators comments, and skips look-alikes', () => {
    const php = `<?php
// __( 'in a comment', 'dockhand-for-woocommerce' )
$a = 'also __( "in a string", "dockhand-for-woocommerce" )';
/* translators: %s: a name */
printf( esc_html__( 'Can\\'t find %s', 'dockhand-for-woocommerce' ), $n );
echo _x( 'Post', 'verb', 'dockhand-for-woocommerce' );
echo _n( 'One item', 'Many items', $n, 'dockhand-for-woocommerce' );
echo __( 'Other plugin', 'other-domain' );
echo __( $dynamic, 'dockhand-for-woocommerce' );
$obj->__( 'method, not gettext', 'dockhand-for-woocommerce' );
`
    const { messages, problems } = extractPhp(php, 'x.php')
    expect(messages).toEqual([
      { msgid: "Can't find %s", refs: ['x.php:5'], comments: ['translators: %s: a name'] },
      { msgid: 'Post', context: 'verb', refs: ['x.php:6'], comments: [] },
      { msgid: 'One item', plural: 'Many items', refs: ['x.php:7'], comments: [] },
    ])
    expect(problems.map((p) => p.ref)).toEqual(['x.php:8', 'x.php:9'])
  })

  it('reads TS calls and requires the literal text domain, as WP-CLI does', () => {
    const ts = `import { __, sprintf } from '@wordpress/i18n'
const D = 'dockhand-for-woocommerce'
sprintf(/* translators: %d: count */ __('%d runs', 'dockhand-for-woocommerce'), 2)
__('Via a constant', D)
`
    const { messages, problems } = extractTs(ts, 'src/x.ts')
    expect(messages).toEqual([
      {
        msgid: '%d runs',
        refs: ['build/index.js', 'src/x.ts:3'],
        comments: ['translators: %d: count'],
      },
    ])
    expect(problems).toEqual([
      expect.objectContaining({ ref: 'src/x.ts:4', reason: expect.stringMatching(/domain/) }),
    ])
  })

  it('finds visible JSX text and labels left untranslated', () => {
    const tsx = `const a = <div><h2>Activity</h2><TextControl label="Hub URL" placeholder="https://x" />{__('ok', 'd')} #1 →</div>`
    expect(untranslatedJsx(tsx, 'a.tsx')).toEqual(['a.tsx:1 Activity', 'a.tsx:1 label="Hub URL"'])
  })
})

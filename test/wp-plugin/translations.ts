/**
 * Test translations for the e2e: a German .mo for the PHP (load_plugin_textdomain) and the Jed JSON
 * WordPress reads for the admin UI (wp_set_script_translations), written the way `msgfmt` and
 * `wp i18n make-json` would, so the e2e needs neither gettext nor WP-CLI.
 */
import { createHash } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SCRIPT_REF, TEXT_DOMAIN } from '../../wp-plugin/tools/make-pot.ts'

const HEADER =
  'Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n'

/** GNU .mo (little-endian, no hash table): https://www.gnu.org/software/gettext/manual/html_node/MO-Files.html */
export function moFile(translations: Record<string, string>): Buffer {
  const entries = Object.entries({ '': HEADER, ...translations }).sort(([a], [b]) =>
    Buffer.compare(Buffer.from(a), Buffer.from(b)),
  )
  const n = entries.length
  const head = Buffer.alloc(28 + 16 * n)
  head.writeUInt32LE(0x950412de, 0)
  head.writeUInt32LE(0, 4)
  head.writeUInt32LE(n, 8)
  head.writeUInt32LE(28, 12)
  head.writeUInt32LE(28 + 8 * n, 16)
  head.writeUInt32LE(0, 20)
  head.writeUInt32LE(28 + 16 * n, 24)
  const blobs: Buffer[] = []
  let offset = head.length
  const put = (table: number, i: number, s: string) => {
    const b = Buffer.from(s, 'utf8')
    head.writeUInt32LE(b.length, table + 8 * i)
    head.writeUInt32LE(offset, table + 8 * i + 4)
    blobs.push(b, Buffer.alloc(1))
    offset += b.length + 1
  }
  for (const [i, [k]] of entries.entries()) put(28, i, k)
  for (const [i, [, v]] of entries.entries()) put(28 + 8 * n, i, v)
  return Buffer.concat([head, ...blobs])
}

/** The Jed 1.x JSON WordPress passes to wp.i18n.setLocaleData() for our script. */
export function jedJson(locale: string, translations: Record<string, string>): string {
  const messages: Record<string, unknown> = {
    '': { domain: 'messages', lang: locale, 'plural-forms': 'nplurals=2; plural=(n != 1);' },
  }
  for (const [k, v] of Object.entries(translations)) messages[k] = [v]
  return JSON.stringify({ domain: 'messages', locale_data: { messages } })
}

/** Writes both into the installed plugin's languages/ directory. */
export function installTranslations(
  pluginDir: string,
  locale: string,
  php: Record<string, string>,
  js: Record<string, string>,
): void {
  writeFileSync(join(pluginDir, 'languages', `${TEXT_DOMAIN}-${locale}.mo`), moFile(php))
  const md5 = createHash('md5').update(SCRIPT_REF).digest('hex')
  writeFileSync(
    join(pluginDir, 'languages', `${TEXT_DOMAIN}-${locale}-${md5}.json`),
    jedJson(locale, js),
  )
}

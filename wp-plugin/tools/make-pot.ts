/**
 * Writes wp-plugin/languages/dockhand-for-woocommerce.pot: every translatable string of the plugin,
 * from the PHP (`__()`, `esc_html__()`, `_n()`…) and the admin UI (`__()`, `_n()`, `_x()` from
 * `@wordpress/i18n`), plus the plugin header, with `translators:` comments.
 *
 * It stands in for `wp i18n make-pot`, which needs WP-CLI (not packaged for Debian, and not on the
 * machines or CI). It follows the same rules: only calls whose text domain is the literal
 * 'dockhand-for-woocommerce' count, and the admin UI's strings are referenced as
 * `build/index.js`, the file WordPress loads, so `wp i18n make-json` turns a translated .po into
 * the `dockhand-for-woocommerce-{locale}-{md5("build/index.js")}.json` that
 * wp_set_script_translations() reads. Output is deterministic (no creation date) so the committed
 * .pot only changes when a string does; a unit test checks it is current.
 *
 * Usage: `node --import tsx wp-plugin/tools/make-pot.ts` (also run by `npm run build:plugin`).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

export const TEXT_DOMAIN = 'dockhand-for-woocommerce'
const PLUGIN_DIR = resolve(fileURLToPath(import.meta.url), '..', '..')
export const POT_PATH = join(PLUGIN_DIR, 'languages', `${TEXT_DOMAIN}.pot`)
/** The bundle WordPress loads; translations for the UI are looked up by this path's md5. */
export const SCRIPT_REF = 'build/index.js'

export interface Message {
  context?: string
  msgid: string
  plural?: string
  refs: string[]
  comments: string[]
}

/** A translation call that can't be extracted (wrong/missing domain, non-literal text). */
export interface Problem {
  ref: string
  call: string
  reason: string
}

type Spec = Array<'text' | 'plural' | 'context' | 'number' | 'domain'>
const T: Spec = ['text', 'domain']
const X: Spec = ['text', 'context', 'domain']
const N: Spec = ['text', 'plural', 'number', 'domain']
const NX: Spec = ['text', 'plural', 'number', 'context', 'domain']
/** WordPress's gettext functions and their arguments (as WP-CLI's make-pot knows them). */
const PHP_FUNCTIONS: Record<string, Spec> = {
  __: T,
  _e: T,
  esc_html__: T,
  esc_html_e: T,
  esc_attr__: T,
  esc_attr_e: T,
  _x: X,
  _ex: X,
  esc_html_x: X,
  esc_attr_x: X,
  _n: N,
  _nx: NX,
  _n_noop: ['text', 'plural', 'domain'],
  _nx_noop: ['text', 'plural', 'context', 'domain'],
}
const JS_FUNCTIONS: Record<string, Spec> = { __: T, _x: X, _n: N, _nx: NX }

function files(dir: string, pattern: RegExp): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((f) => f.split('\\').join('/'))
    .filter((f) => pattern.test(f))
    .sort()
    .map((f) => join(dir, f))
}

// ---- PHP ----

function unquotePhp(literal: string): string {
  const body = literal.slice(1, -1)
  if (literal.startsWith("'")) return body.replace(/\\([\\'])/g, '$1')
  const escapes: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    '\\': '\\',
    '"': '"',
    $: '$',
  }
  return body.replace(/\\([ntr\\"$])/g, (_, c: string) => escapes[c] ?? c)
}

/**
 * Scans PHP source for gettext calls: strings and comments are skipped as tokens, so a function
 * name inside a string or comment is not a call. Arguments are string literals or anything else
 * (then not extractable).
 */
export function extractPhp(
  source: string,
  ref: string,
): { messages: Message[]; problems: Problem[] } {
  const messages: Message[] = []
  const problems: Problem[] = []
  const lineAt = (i: number) => source.slice(0, i).split('\n').length
  let lastTranslators: { text: string; endLine: number } | null = null
  const token =
    /\/\*[\s\S]*?\*\/|\/\/[^\n]*|#[^\n]*|'(?:[^'\\]|\\[\s\S])*'|"(?:[^"\\]|\\[\s\S])*"|[A-Za-z_][A-Za-z0-9_]*/g
  for (let m = token.exec(source); m; m = token.exec(source)) {
    const text = m[0]
    if (text.startsWith('/*') || text.startsWith('//') || text.startsWith('#')) {
      const found = /translators:[\s\S]*/i.exec(text.replace(/^\/\*+|\*+\/$|^\/\//g, ''))
      if (found)
        lastTranslators = {
          text: found[0].replace(/\s*\n\s*\*?\s*/g, ' ').trim(),
          endLine: lineAt(m.index + text.length),
        }
      continue
    }
    if (text.startsWith("'") || text.startsWith('"')) continue
    const spec = PHP_FUNCTIONS[text]
    const before = source.slice(Math.max(0, m.index - 2), m.index)
    if (!spec || /(->|::|\$)$/.test(before) || /function\s+$/.test(source.slice(0, m.index)))
      continue
    const open = /^\s*\(/.exec(source.slice(m.index + text.length))
    if (!open) continue
    // Arguments: split at top-level commas up to the matching ')'.
    let i = m.index + text.length + open[0].length
    let depth = 0
    let current = ''
    const args: string[] = []
    const argToken = /'(?:[^'\\]|\\[\s\S])*'|"(?:[^"\\]|\\[\s\S])*"|[(),[\]]|[^'"(),[\]]+/y
    for (;;) {
      argToken.lastIndex = i
      const a = argToken.exec(source)
      if (!a) break
      i = argToken.lastIndex
      const t = a[0]
      if ((t === ')' || t === ']') && depth === 0) {
        args.push(current.trim())
        break
      }
      if (t === '(' || t === '[') depth++
      if (t === ')' || t === ']') depth--
      if (t === ',' && depth === 0) {
        args.push(current.trim())
        current = ''
      } else current += t
    }
    token.lastIndex = m.index + text.length
    const line = lineAt(m.index)
    const comments =
      lastTranslators && line - lastTranslators.endLine <= 2 && line >= lastTranslators.endLine
        ? [lastTranslators.text]
        : []
    lastTranslators = null // a translators comment belongs to the next call only
    const at = `${ref}:${line}`
    const literal = (s: string | undefined) =>
      s !== undefined && /^('(?:[^'\\]|\\[\s\S])*'|"(?:[^"\\$]|\\[\s\S])*")$/.test(s)
        ? unquotePhp(s)
        : null
    const values: Partial<Record<Spec[number], string | null>> = {}
    spec.forEach((kind, n) => {
      values[kind] = literal(args[n])
    })
    if (values.domain !== TEXT_DOMAIN) {
      problems.push({ ref: at, call: text, reason: `text domain is not '${TEXT_DOMAIN}'` })
      continue
    }
    if (values.text == null || (spec.includes('plural') && values.plural == null)) {
      problems.push({ ref: at, call: text, reason: 'text is not a string literal' })
      continue
    }
    messages.push({
      msgid: values.text,
      ...(values.plural != null ? { plural: values.plural } : {}),
      ...(values.context != null ? { context: values.context } : {}),
      refs: [at],
      comments,
    })
  }
  return { messages, problems }
}

/** The plugin header fields WordPress translates (as `wp i18n make-pot` extracts them). */
export function extractHeader(source: string, ref: string): Message[] {
  const out: Message[] = []
  for (const field of ['Plugin Name', 'Plugin URI', 'Description', 'Author']) {
    const m = new RegExp(`^[ \\t/*#@]*${field}:(.*)$`, 'mi').exec(source)
    const value = m?.[1]?.trim()
    if (value) out.push({ msgid: value, refs: [ref], comments: [`${field} of the plugin`] })
  }
  return out
}

// ---- TypeScript (admin UI) ----

/** gettext calls from `@wordpress/i18n` in one .ts/.tsx file. */
export function extractTs(
  source: string,
  ref: string,
): { messages: Message[]; problems: Problem[] } {
  const kind = ref.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS
  const file = ts.createSourceFile(ref, source, ts.ScriptTarget.Latest, true, kind)
  const messages: Message[] = []
  const problems: Problem[] = []
  const translatorComments = (node: ts.Node): string[] => {
    // `sprintf(/* translators: … */ __(…))`: a comment on the same line as the `(` is, for
    // TypeScript, a trailing comment of that token, so both kinds count.
    const ranges = [
      ...(ts.getTrailingCommentRanges(source, node.getFullStart()) ?? []),
      ...(ts.getLeadingCommentRanges(source, node.getFullStart()) ?? []),
    ]
    return ranges
      .map((r) => source.slice(r.pos, r.end).replace(/^\/\*+|\*+\/$|^\/\//g, ''))
      .map((c) =>
        /translators:[\s\S]*/i
          .exec(c)?.[0]
          .replace(/\s*\n\s*\*?\s*/g, ' ')
          .trim(),
      )
      .filter((c): c is string => Boolean(c))
  }
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const name = node.expression.text
      const spec = JS_FUNCTIONS[name]
      if (spec) {
        const line = file.getLineAndCharacterOfPosition(node.getStart()).line + 1
        const at = `${ref}:${line}`
        const values: Partial<Record<Spec[number], string | null>> = {}
        spec.forEach((k, n) => {
          const arg = node.arguments[n]
          values[k] =
            arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))
              ? arg.text
              : null
        })
        if (values.domain !== TEXT_DOMAIN)
          problems.push({
            ref: at,
            call: name,
            reason: `text domain is not the literal '${TEXT_DOMAIN}'`,
          })
        else if (values.text == null || (spec.includes('plural') && values.plural == null))
          problems.push({ ref: at, call: name, reason: 'text is not a string literal' })
        else
          messages.push({
            msgid: values.text,
            ...(values.plural != null ? { plural: values.plural } : {}),
            ...(values.context != null ? { context: values.context } : {}),
            refs: [SCRIPT_REF, at],
            comments: translatorComments(node),
          })
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(file)
  return { messages, problems }
}

/**
 * Visible English left outside `__()` in the admin UI's JSX: text between tags and the string
 * props people read (label, help, title, placeholder). Symbols, URLs and key shapes
 * ("ck_…") are not words to translate.
 */
export function untranslatedJsx(source: string, ref: string): string[] {
  const file = ts.createSourceFile(ref, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX)
  const found: string[] = []
  const words = (s: string) => /[A-Za-z]{2,}/.test(s) && !/^(https?:\/\/|[a-z]+_…$)/.test(s.trim())
  const visit = (node: ts.Node) => {
    const line = () => file.getLineAndCharacterOfPosition(node.getStart()).line + 1
    if (ts.isJsxText(node) && words(node.text)) found.push(`${ref}:${line()} ${node.text.trim()}`)
    if (
      ts.isJsxAttribute(node) &&
      /^(label|help|title|placeholder|alt|aria-label)$/.test(node.name.getText()) &&
      node.initializer &&
      ts.isStringLiteral(node.initializer) &&
      words(node.initializer.text)
    )
      found.push(`${ref}:${line()} ${node.name.getText()}="${node.initializer.text}"`)
    ts.forEachChild(node, visit)
  }
  visit(file)
  return found
}

// ---- .pot ----

function poString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`
}

/** Same (context, msgid) once, with every reference and comment, in first-seen order. */
export function merge(messages: Message[]): Message[] {
  const byKey = new Map<string, Message>()
  for (const m of messages) {
    const key = `${m.context ?? ''}\u0004${m.msgid}`
    const seen = byKey.get(key)
    if (!seen) {
      byKey.set(key, { ...m, refs: [...m.refs], comments: [...m.comments] })
      continue
    }
    for (const r of m.refs) if (!seen.refs.includes(r)) seen.refs.push(r)
    for (const c of m.comments) if (!seen.comments.includes(c)) seen.comments.push(c)
    if (m.plural && !seen.plural) seen.plural = m.plural
  }
  return [...byKey.values()]
}

export function collect(dir = PLUGIN_DIR): { messages: Message[]; problems: Problem[] } {
  const messages: Message[] = []
  const problems: Problem[] = []
  const main = join(dir, `${TEXT_DOMAIN}.php`)
  messages.push(...extractHeader(readFileSync(main, 'utf8'), `${TEXT_DOMAIN}.php`))
  const php = [main, join(dir, 'uninstall.php'), ...files(join(dir, 'includes'), /\.php$/)]
  for (const file of php) {
    const r = extractPhp(readFileSync(file, 'utf8'), relative(dir, file).split('\\').join('/'))
    messages.push(...r.messages)
    problems.push(...r.problems)
  }
  for (const file of files(join(dir, 'src'), /\.tsx?$/).filter((f) => !f.endsWith('.d.ts'))) {
    const r = extractTs(readFileSync(file, 'utf8'), relative(dir, file).split('\\').join('/'))
    messages.push(...r.messages)
    problems.push(...r.problems)
  }
  return { messages: merge(messages), problems }
}

export function makePot(dir = PLUGIN_DIR): string {
  const { messages, problems } = collect(dir)
  if (problems.length)
    throw new Error(
      `Strings the .pot can't hold:\n${problems.map((p) => `  ${p.ref} ${p.call}(): ${p.reason}`).join('\n')}`,
    )
  const version = /^[ \t/*]*Version:\s*(\S+)/m.exec(
    readFileSync(join(dir, `${TEXT_DOMAIN}.php`), 'utf8'),
  )?.[1]
  const lines = [
    '# Copyright (C) Dockhand contributors',
    '# This file is distributed under the MIT license.',
    'msgid ""',
    'msgstr ""',
    `"Project-Id-Version: Dockhand for WooCommerce ${version ?? ''}\\n"`,
    '"Report-Msgid-Bugs-To: https://github.com/dockhand/dockhand/issues\\n"',
    '"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"',
    '"Language-Team: LANGUAGE <LL@li.org>\\n"',
    '"MIME-Version: 1.0\\n"',
    '"Content-Type: text/plain; charset=UTF-8\\n"',
    '"Content-Transfer-Encoding: 8bit\\n"',
    '"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"',
    `"X-Domain: ${TEXT_DOMAIN}\\n"`,
    '"X-Generator: wp-plugin/tools/make-pot.ts\\n"',
    '',
  ]
  for (const m of messages) {
    for (const c of m.comments) lines.push(`#. ${c}`)
    lines.push(`#: ${m.refs.join(' ')}`)
    if (/%(\d+\$)?[sd]/.test(m.msgid) && m.refs.some((r) => /\.php:/.test(r)))
      lines.push('#, php-format')
    if (m.context !== undefined) lines.push(`msgctxt ${poString(m.context)}`)
    lines.push(`msgid ${poString(m.msgid)}`)
    if (m.plural !== undefined) {
      lines.push(`msgid_plural ${poString(m.plural)}`, 'msgstr[0] ""', 'msgstr[1] ""')
    } else lines.push('msgstr ""')
    lines.push('')
  }
  return lines.join('\n')
}

export function writePot(dir = PLUGIN_DIR, path = POT_PATH): number {
  const pot = makePot(dir)
  writeFileSync(path, pot)
  return pot.split('\nmsgid "').length - 2
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const n = writePot()
    process.stdout.write(`wrote ${relative(process.cwd(), POT_PATH)} (${n} strings)\n`)
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  }
}

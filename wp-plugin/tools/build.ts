/**
 * npm run build:plugin — type-checks the admin UI, bundles it with esbuild and writes
 * wp-plugin/build/{index.js,index.css,index.asset.php}, regenerates
 * wp-plugin/languages/dockhand-for-woocommerce.pot (tools/make-pot.ts) and writes
 * dist/dockhand-for-woocommerce.zip.
 *
 * `@wordpress/*` imports are not bundled: they become `window.wp.*` and their script handles go
 * into index.asset.php (as @wordpress/dependency-extraction-webpack-plugin does), so WordPress
 * loads its own React and components. `--skip-typecheck` is for tests that only need the zip.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'
import { writePot } from './make-pot.ts'
import { createZip, type ZipEntry } from './zip.ts'

export const PLUGIN_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const ROOT = resolve(PLUGIN_DIR, '..')
export const ZIP_PATH = join(ROOT, 'dist', 'dockhand-for-woocommerce.zip')
const SLUG = 'dockhand-for-woocommerce'

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())

function wordpressExternals(handles: Set<string>): Plugin {
  return {
    name: 'wordpress-externals',
    setup(b) {
      b.onResolve({ filter: /^@wordpress\// }, (args) => ({
        path: args.path.slice('@wordpress/'.length),
        namespace: 'wp-global',
      }))
      b.onLoad({ filter: /.*/, namespace: 'wp-global' }, (args) => {
        handles.add(`wp-${args.path}`)
        return { contents: `module.exports = window.wp.${camel(args.path)}`, loader: 'js' }
      })
    },
  }
}

/**
 * `import { z } from 'zod'` (as shared/ writes it) → `import * as z from 'zod'`, for the browser
 * bundle only. Same functions, same validation: `z` is the same namespace either way. But zod's
 * index re-exports `z` as a value (`import * as z …; export { z }`), and esbuild then keeps the
 * whole namespace: every schema type, all of zod core and every locale (`z.locales`), ~500 KB
 * minified. Through a namespace import, esbuild resolves each `z.object`/`z.string` statically and
 * drops the rest, locales included (zod loads `en` itself). A test in
 * test/wp-plugin/plugin-package.test.ts keeps the size in check in case the imports change.
 */
const ZOD_NAMED_IMPORT = /import\s*\{\s*z\s*\}\s*from\s*(['"])zod\1/g

function zodNamespaceImports(): Plugin {
  return {
    name: 'zod-namespace-imports',
    setup(b) {
      b.onLoad({ filter: /\.tsx?$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8')
        if (!ZOD_NAMED_IMPORT.test(source)) return undefined
        ZOD_NAMED_IMPORT.lastIndex = 0
        return {
          contents: source.replace(ZOD_NAMED_IMPORT, "import * as z from 'zod'"),
          loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts',
        }
      })
    },
  }
}

export function typecheck(): void {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
  const result = spawnSync(process.execPath, [tsc, '-p', join(PLUGIN_DIR, 'tsconfig.json')], {
    stdio: 'inherit',
  })
  if (result.status !== 0) throw new Error('Type errors in wp-plugin (see above).')
}

export async function bundle(
  outdir = join(PLUGIN_DIR, 'build'),
): Promise<{ dependencies: string[]; version: string }> {
  const handles = new Set<string>()
  mkdirSync(outdir, { recursive: true })
  await build({
    entryPoints: { index: join(PLUGIN_DIR, 'src', 'index.tsx') },
    outdir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2019'],
    minify: true,
    legalComments: 'none',
    jsxFactory: 'wp.element.createElement',
    jsxFragment: 'wp.element.Fragment',
    tsconfig: join(PLUGIN_DIR, 'tsconfig.json'),
    plugins: [wordpressExternals(handles), zodNamespaceImports()],
    logLevel: 'warning',
  })
  const hash = createHash('sha256')
  for (const file of ['index.js', 'index.css']) {
    const path = join(outdir, file)
    if (existsSync(path)) hash.update(readFileSync(path))
  }
  const dependencies = [...handles].sort()
  const version = hash.digest('hex').slice(0, 20)
  const php = `<?php return array('dependencies' => array(${dependencies.map((d) => `'${d}'`).join(', ')}), 'version' => '${version}');\n`
  writeFileSync(join(outdir, 'index.asset.php'), php)
  return { dependencies, version }
}

/** Only what WordPress needs: the PHP, readme, built assets and translations. */
export function zipPlugin(buildDir = join(PLUGIN_DIR, 'build'), zipPath = ZIP_PATH): string[] {
  const files = new Map<string, string>()
  for (const rel of ['dockhand-for-woocommerce.php', 'uninstall.php', 'readme.txt'])
    files.set(rel, join(PLUGIN_DIR, rel))
  const dirs: Array<[string, string]> = [
    ['includes', join(PLUGIN_DIR, 'includes')],
    ['languages', join(PLUGIN_DIR, 'languages')],
    ['build', buildDir],
  ]
  for (const [prefix, abs] of dirs) {
    if (!existsSync(abs)) continue
    for (const name of readdirSync(abs, { recursive: true }) as string[]) {
      if (/\.(php|js|css|json|mo|po|pot)$/.test(name))
        files.set(`${prefix}/${name.split('\\').join('/')}`, join(abs, name))
    }
  }
  const entries: ZipEntry[] = [...files.keys()].sort().map((rel) => ({
    name: `${SLUG}/${rel}`,
    data: readFileSync(files.get(rel)!),
  }))
  mkdirSync(dirname(zipPath), { recursive: true })
  writeFileSync(zipPath, createZip(entries))
  return entries.map((e) => e.name)
}

export async function buildPlugin(options: {
  typecheck: boolean
  /** Regenerate languages/*.pot in the source tree (the CLI does; tests check it is current instead). */
  pot?: boolean
  buildDir?: string
  zipPath?: string
  quiet?: boolean
}): Promise<string[]> {
  if (options.typecheck) typecheck()
  const buildDir = options.buildDir ?? join(PLUGIN_DIR, 'build')
  const zipPath = options.zipPath ?? ZIP_PATH
  const asset = await bundle(buildDir)
  if (options.pot) writePot()
  const files = zipPlugin(buildDir, zipPath)
  if (!options.quiet)
    process.stdout.write(
      `built ${relative(ROOT, zipPath)} (${files.length} files; dependencies: ${asset.dependencies.join(', ')}; version ${asset.version})\n`,
    )
  return files
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildPlugin({ typecheck: !process.argv.includes('--skip-typecheck'), pot: true }).catch(
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
      process.exit(1)
    },
  )
}

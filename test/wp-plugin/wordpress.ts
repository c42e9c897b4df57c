/**
 * A real, throw-away WordPress for the plugin e2e: Debian's `wordpress` package copied to a temp
 * dir, the machine's MariaDB, `php -S` with a router, the WooCommerce test stand-in activated.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

export const WORDPRESS_SRC = '/usr/share/wordpress'
export const CHROMIUM = '/usr/bin/chromium'
const HERE = import.meta.dirname

/** Why the e2e can't run on this machine, or null when everything it needs is here. */
export function missingForE2e(): string | null {
  if (
    spawnSync('php', [
      '-r',
      'exit(function_exists("mysqli_connect") && function_exists("curl_init") ? 0 : 1);',
    ]).status !== 0
  )
    return 'PHP with mysqli and curl (apt-get install php-cli php-mysql php-curl)'
  if (!existsSync(join(WORDPRESS_SRC, 'wp-load.php')))
    return 'WordPress (apt-get install wordpress)'
  if (!existsSync(CHROMIUM)) return 'Chromium (apt-get install chromium)'
  const db = spawnSync('php', [
    '-r',
    'exit(@mysqli_connect("127.0.0.1", "root", "", "", 3306) ? 0 : 1);',
  ])
  if (db.status !== 0) return 'MariaDB on 127.0.0.1:3306 (root, no password)'
  return null
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      )
    })
  })
}

export interface TestWordPress {
  url: string
  dir: string
  pluginsDir: string
  /** Runs PHP inside this WordPress (like `wp eval`) and returns what it echoes. */
  php(code: string): string
  log(): string
  stop(): Promise<void>
}

export async function startWordPress(options: {
  root: string
  wooCommerceApi: string
  port: number
}): Promise<TestWordPress> {
  const dir = join(options.root, 'wordpress')
  const url = `http://127.0.0.1:${options.port}`
  const db = `dockhand_e2e_${process.pid}_${options.port}`
  cpSync(WORDPRESS_SRC, dir, { recursive: true, dereference: true })
  rmSync(join(dir, 'wp-content'), { recursive: true, force: true })
  const pluginsDir = join(dir, 'wp-content', 'plugins')
  mkdirSync(join(dir, 'wp-content', 'uploads'), { recursive: true })
  mkdirSync(join(pluginsDir, 'dockhand-test-woocommerce-stand-in'), { recursive: true })
  cpSync(
    join(HERE, 'wordpress', 'woocommerce-stand-in.php'),
    join(pluginsDir, 'dockhand-test-woocommerce-stand-in', 'woocommerce-stand-in.php'),
  )
  const salt = () => Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2)
  const keys = [
    'AUTH_KEY',
    'SECURE_AUTH_KEY',
    'LOGGED_IN_KEY',
    'NONCE_KEY',
    'AUTH_SALT',
    'SECURE_AUTH_SALT',
    'LOGGED_IN_SALT',
    'NONCE_SALT',
  ]
  writeFileSync(
    join(dir, 'wp-config.php'),
    `<?php
define( 'DB_NAME', '${db}' );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', '127.0.0.1:3306' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
${keys.map((k) => `define( '${k}', '${salt()}' );`).join('\n')}
$table_prefix = 'wp_';
define( 'WP_HOME', '${url}' );
define( 'WP_SITEURL', '${url}' );
define( 'WP_CONTENT_DIR', __DIR__ . '/wp-content' );
define( 'WP_CONTENT_URL', '${url}/wp-content' );
define( 'FS_METHOD', 'direct' );
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_LOG', __DIR__ . '/debug.log' );
define( 'WP_DEBUG_DISPLAY', false );
if ( ! defined( 'ABSPATH' ) ) define( 'ABSPATH', __DIR__ . '/' );
require_once ABSPATH . 'wp-settings.php';
`,
  )
  execFileSync('php', [
    '-r',
    `$m = mysqli_connect("127.0.0.1", "root", "", "", 3306); mysqli_query($m, "DROP DATABASE IF EXISTS ${db}"); mysqli_query($m, "CREATE DATABASE ${db} CHARACTER SET utf8mb4");`,
  ])
  execFileSync('php', [join(HERE, 'wordpress', 'install.php'), dir, url], { encoding: 'utf8' })

  let out = ''
  const child: ChildProcess = spawn(
    'php',
    ['-S', `127.0.0.1:${options.port}`, '-t', dir, join(HERE, 'wordpress', 'router.php')],
    {
      cwd: dir,
      // Several workers: the plugin calls the hub, which calls back into this site's REST API.
      env: {
        ...process.env,
        PHP_CLI_SERVER_WORKERS: '4',
        DOCKHAND_E2E_WC_API: options.wooCommerceApi,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  child.stdout?.on('data', (d) => (out += String(d)))
  child.stderr?.on('data', (d) => (out += String(d)))
  const deadline = Date.now() + 15_000
  for (;;) {
    try {
      const res = await fetch(`${url}/wp-login.php`)
      if (res.ok) break
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`WordPress did not start:\n${out}`)
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    url,
    dir,
    pluginsDir,
    php: (code: string) =>
      execFileSync('php', [join(HERE, 'wordpress', 'eval.php'), dir, url, code], {
        encoding: 'utf8',
      }),
    log: () => {
      const debug = join(dir, 'debug.log')
      return out + (existsSync(debug) ? `\n--- debug.log ---\n${readFileSync(debug, 'utf8')}` : '')
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      spawnSync('php', [
        '-r',
        `$m = mysqli_connect("127.0.0.1", "root", "", "", 3306); mysqli_query($m, "DROP DATABASE IF EXISTS ${db}");`,
      ])
    },
  }
}

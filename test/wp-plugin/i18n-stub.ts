/// <reference path="../../wp-plugin/src/wordpress.d.ts" />
/**
 * `@wordpress/i18n` outside WordPress, for the admin UI's unit tests: the bundle gets the real one
 * from WordPress (window.wp.i18n), and it isn't an npm dependency of the repo. Untranslated, like
 * WordPress without a language pack; `sprintf` handles the placeholders the UI uses (%s, %d, %1$s).
 * Use with `vi.mock('@wordpress/i18n', () => import('./i18n-stub.ts'))`.
 */

/** Every string looked up, so a test can check that text went through the translation function. */
export const looked: string[] = []

export function __(text: string, _domain?: string): string {
  looked.push(text)
  return text
}

export function _x(text: string, _context: string, _domain?: string): string {
  looked.push(text)
  return text
}

export function _n(single: string, plural: string, n: number, _domain?: string): string {
  looked.push(single, plural)
  return n === 1 ? single : plural
}

export function sprintf(format: string, ...args: Array<string | number>): string {
  let next = 0
  return format.replace(/%(?:(\d+)\$)?([sd%])/g, (_, pos: string | undefined, type: string) => {
    if (type === '%') return '%'
    const value = args[pos ? Number(pos) - 1 : next++]
    return type === 'd' ? String(Math.trunc(Number(value))) : String(value)
  })
}

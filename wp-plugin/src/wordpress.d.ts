/**
 * Minimal types for the WordPress script globals the admin UI uses. They are externals: the build
 * maps `@wordpress/*` imports to `window.wp.*` and lists the handles in build/index.asset.php.
 * Only what this plugin calls is declared, for WordPress 6.1+ (React 17: no createRoot before 6.2).
 */
declare module '@wordpress/element' {
  export type WPElement = { readonly type: unknown; readonly props: unknown }
  export type Node = WPElement | string | number | boolean | null | undefined | Node[]
  export type Component<P> = (props: P) => WPElement | null
  export function createElement(type: unknown, props?: unknown, ...children: unknown[]): WPElement
  export const Fragment: (props: { children?: Node }) => WPElement | null
  export function useState<S>(initial: S | (() => S)): [S, (next: S | ((prev: S) => S)) => void]
  export function useEffect(effect: () => undefined | (() => void), deps?: unknown[]): void
  export function useCallback<T extends (...args: never[]) => unknown>(fn: T, deps: unknown[]): T
  export function useMemo<T>(fn: () => T, deps: unknown[]): T
  export function useRef<T>(initial: T): { current: T }
  export function render(element: WPElement, container: Element): void
  /** WordPress 6.2+ (React 18). */
  export const createRoot:
    | ((container: Element) => { render(element: WPElement): void })
    | undefined
}

declare module '@wordpress/components' {
  import type { Component, Node } from '@wordpress/element'

  type Base = { className?: string; children?: Node }
  export const Button: Component<
    Base & {
      variant?: 'primary' | 'secondary' | 'tertiary' | 'link'
      isDestructive?: boolean
      isBusy?: boolean
      disabled?: boolean
      href?: string
      onClick?: () => void
      type?: 'button' | 'submit'
      label?: string
      icon?: string
    }
  >
  export const TextControl: Component<
    Base & {
      label: string
      value: string | number
      onChange: (value: string) => void
      help?: Node
      type?: string
      placeholder?: string
      autoComplete?: string
      min?: number
      max?: number
      step?: number
      id?: string
    }
  >
  export const ToggleControl: Component<
    Base & { label: string; checked: boolean; onChange: (value: boolean) => void; help?: Node }
  >
  export const CheckboxControl: Component<
    Base & { label: string; checked: boolean; onChange: (value: boolean) => void; help?: Node }
  >
  export const SelectControl: Component<
    Base & {
      label: string
      value: string
      options: Array<{ label: string; value: string }>
      onChange: (value: string) => void
      help?: Node
    }
  >
  export const Notice: Component<
    Base & {
      status?: 'success' | 'info' | 'warning' | 'error'
      isDismissible?: boolean
      onRemove?: () => void
    }
  >
  export const Panel: Component<Base & { header?: string }>
  export const PanelBody: Component<Base & { title?: string; initialOpen?: boolean }>
  export const Card: Component<Base>
  export const CardHeader: Component<Base>
  export const CardBody: Component<Base>
  export const Spinner: Component<Base>
  export const ExternalLink: Component<Base & { href: string }>
}

declare module '@wordpress/api-fetch' {
  const apiFetch: <T>(options: { path: string; method?: string; data?: unknown }) => Promise<T>
  export default apiFetch
}

declare module '@wordpress/i18n' {
  export function __(text: string, domain?: string): string
  export function _n(single: string, plural: string, number: number, domain?: string): string
  export function _x(text: string, context: string, domain?: string): string
  export function sprintf(format: string, ...args: Array<string | number>): string
}

declare module '@wordpress/dom-ready' {
  export default function domReady(callback: () => void): void
}

declare namespace JSX {
  type Element = import('@wordpress/element').WPElement
  interface ElementChildrenAttribute {
    children: unknown
  }
  interface IntrinsicAttributes {
    key?: string | number
  }
  interface IntrinsicElements {
    [tag: string]: Record<string, unknown>
  }
}

interface Window {
  dockhandBoot?: { siteUrl: string; keysReturn: '' | 'approved' | 'denied' }
}

declare module '*.css' {}

/** JSX compiles to wp.element.createElement (tsconfig jsxFactory), WordPress's own React. */
declare const wp: { element: typeof import('@wordpress/element') }

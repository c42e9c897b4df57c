/**
 * Minimal types for `@woocommerce/woocommerce-rest-api` (the official JS client).
 * Docs: https://github.com/woocommerce/woocommerce-rest-api-js-lib
 */
declare module '@woocommerce/woocommerce-rest-api' {
  export interface WooCommerceRestApiOptions {
    /** Store URL, e.g. https://shop.example.com */
    url: string
    consumerKey: string
    consumerSecret: string
    wpAPIPrefix?: string
    version?: 'wc/v3' | 'wc/v2' | 'wc/v1' | 'wc-api/v3' | 'wc-api/v2' | 'wc-api/v1'
    encoding?: 'utf-8' | 'ascii'
    /** HTTPS only: send consumer_key/consumer_secret in the query string instead of Basic auth. */
    queryStringAuth?: boolean
    port?: number
    timeout?: number
    /** Merged over the library's axios request config. */
    axiosConfig?: Record<string, unknown>
  }

  export interface WooCommerceResponse<T = any> {
    data: T
    status: number
    statusText: string
    headers: Record<string, string>
  }

  export default class WooCommerceRestApi {
    constructor(options: WooCommerceRestApiOptions)
    get<T = any>(
      endpoint: string,
      params?: Record<string, unknown>,
    ): Promise<WooCommerceResponse<T>>
    post<T = any>(
      endpoint: string,
      data: unknown,
      params?: Record<string, unknown>,
    ): Promise<WooCommerceResponse<T>>
    put<T = any>(
      endpoint: string,
      data: unknown,
      params?: Record<string, unknown>,
    ): Promise<WooCommerceResponse<T>>
    delete<T = any>(
      endpoint: string,
      params?: Record<string, unknown>,
    ): Promise<WooCommerceResponse<T>>
    options<T = any>(
      endpoint: string,
      params?: Record<string, unknown>,
    ): Promise<WooCommerceResponse<T>>
  }
}

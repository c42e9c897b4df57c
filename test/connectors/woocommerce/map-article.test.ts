/** Pure article mapping, table-driven from fixtures/payloads/woocommerce (the seed's field mapping). */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  claimArticleNumbers,
  toArticleInputs,
} from '../../../hub/src/connectors/woocommerce/map-article.ts'
import { productSchema, variationSchema } from '../../../hub/src/connectors/woocommerce/payloads.ts'

const json = (name: string) =>
  JSON.parse(
    readFileSync(
      new URL(`../../../fixtures/payloads/woocommerce/${name}`, import.meta.url),
      'utf8',
    ),
  )
const product = (name: string) => productSchema.parse(json(name))
const variable = json('product.variable.json')
const parent = productSchema.parse(variable.product)
const variations = (variable.variations as unknown[]).map((v) => variationSchema.parse(v))

const defaults = { syncCategories: false, virtualAsStockArticles: true, keyByProductCode: false }
const simple = toArticleInputs(product('product.simple.json'), [], defaults)
const withCats = toArticleInputs(product('product.simple.json'), [], {
  ...defaults,
  syncCategories: true,
})
const virtualDefault = toArticleInputs(product('product.virtual.json'), [], defaults)
const virtualNonStock = toArticleInputs(product('product.virtual.json'), [], {
  ...defaults,
  virtualAsStockArticles: false,
})
const noSku = toArticleInputs(product('product.no-sku.json'), [], defaults)
const noSkuByCode = toArticleInputs(product('product.no-sku.json'), [], {
  ...defaults,
  keyByProductCode: true,
})
const vars = toArticleInputs(parent, variations, defaults)
const varsByCode = toArticleInputs(parent, variations, { ...defaults, keyByProductCode: true })

const table: Array<[string, unknown, unknown]> = [
  ['ArticleNumber ⇐ product SKU', simple.articles[0]?.articleNumber, 'CAP-1'],
  ['ArticleName ⇐ product title', simple.articles[0]?.name, 'Woo Cap'],
  ['ProductCode ⇐ product id', simple.articles[0]?.productCode, '80'],
  ['Unit = st', simple.articles[0]?.unit, 'st'],
  ['Categories off by default', simple.articles[0]?.categories, undefined],
  ['Categories when switched on', withCats.articles[0]?.categories, ['Accessoarer']],
  ['stock tracked ⇐ manage_stock', simple.articles[0]?.link.stockTracked, true],
  ['virtual → stock article by default', virtualDefault.articles[0]?.stockArticle, true],
  ['virtual → non-stock article when configured', virtualNonStock.articles[0]?.stockArticle, false],
  [
    'no SKU → no article, an issue',
    [noSku.articles.length, noSku.issues[0]?.code],
    [0, 'missing_sku'],
  ],
  ['no SKU → keyed by product code when configured', noSkuByCode.articles[0]?.articleNumber, '82'],
  ['variation ArticleNumber ⇐ variation SKU', vars.articles[0]?.articleNumber, 'HOOD-BL-L'],
  [
    'variation ArticleName ⇐ title + variation name',
    vars.articles[0]?.name,
    'Woo Hoodie - Blue, L',
  ],
  ['variation name without the title gets it', vars.articles[1]?.name, 'Woo Hoodie - Blue, M'],
  ['variation ProductCode ⇐ variation id', vars.articles[0]?.productCode, '73'],
  [
    'variation link',
    vars.articles[0]?.link,
    { productId: '70', variantId: '73', stockTracked: true },
  ],
  [
    'stock managed on the parent → not pushed per variation',
    vars.articles[1]?.link.stockTracked,
    false,
  ],
  [
    'variation inheriting the parent SKU → issue, not an article',
    [vars.articles.length, vars.issues[0]?.code, vars.issues[0]?.platformRef],
    [2, 'variation_inherits_sku', '70/75'],
  ],
  ['…keyed by product code when configured', varsByCode.articles[2]?.articleNumber, '75'],
]

describe('toArticleInputs (seed field mapping)', () => {
  it.each(table)('%s', (_name, actual, expected) => {
    expect(actual).toEqual(expected)
  })
})

describe('claimArticleNumbers', () => {
  it('reports a SKU shared by two variants with both ids instead of merging them', () => {
    const a = simple.articles[0]!
    const twin = { ...a, productCode: '99', link: { ...a.link, productId: '99' } }
    const seen = new Map<string, string>()
    const r = claimArticleNumbers([a, twin], seen, { keyByProductCode: false })
    expect(r.articles).toHaveLength(1)
    expect(r.issues[0]).toMatchObject({ code: 'duplicate_sku', platformRef: '99' })
    expect(r.issues[0]!.message).toMatch(/CAP-1.*80 and 99/)
    const keyed = claimArticleNumbers([a, twin], new Map(), { keyByProductCode: true })
    expect(keyed.articles.map((x) => x.articleNumber)).toEqual(['CAP-1', '99'])
  })
})

/**
 * A plain catalogue for the benchmarks: `products` products with exactly `variants` variants each,
 * every variant with its own unique SKU and tracked stock, all published. The seeds of the
 * simulators deliberately mix in awkward cases (drafts, missing and duplicate SKUs, untracked
 * items) for the tests; a benchmark wants a known count, so the records are put straight into the
 * simulator's store (creating 10,000 products through the simulated API would cost O(n²) SKU checks).
 *
 * Modification times are spread over the past days (one product per ~25 s), as a real catalogue's
 * are, so no incremental reader sees thousands of records sharing one second.
 */
import type { BigCommerceStore } from '../../fixtures/src/bigcommerce/store.ts'
import type { ShopifyStore } from '../../fixtures/src/shopify/store.ts'
import type { WooStore } from '../../fixtures/src/woocommerce/store.ts'
import type { Platform } from '../proof/kits.ts'

const COLOURS = ['Red', 'Blue', 'Green', 'Black', 'White', 'Grey', 'Navy', 'Sand']
const SIZES = ['S', 'M', 'L', 'XL', 'XXL', 'XS', '3XL', '4XL']
/** Catalogue timestamps end this long before now (well outside any incremental overlap). */
const END_AGO_MS = 6 * 3_600_000
const STEP_MS = 25_000

export interface Catalog {
  products: number
  variants: number
}

export function addCatalog(platform: Platform, sim: { store: unknown }, c: Catalog): void {
  switch (platform) {
    case 'woocommerce':
      wooCatalog(sim.store as WooStore, c)
      break
    case 'shopify':
      shopifyCatalog(sim.store as ShopifyStore, c)
      break
    case 'bigcommerce':
      bigCommerceCatalog(sim.store as BigCommerceStore, c)
      break
  }
}

/** Time of product i: oldest first, the last one END_AGO_MS ago, whole seconds. */
function at(i: number, n: number): number {
  const t = Date.now() - END_AGO_MS - (n - 1 - i) * STEP_MS
  return Math.floor(t / 1000) * 1000
}

function wooCatalog(store: WooStore, c: Catalog): void {
  const category = [...store.categories.values()][0]
  for (let i = 0; i < c.products; i++) {
    const id = store.postId()
    const t = at(i, c.products)
    const sku = `BENCH-${i + 1}`
    const colours = COLOURS.slice(0, c.variants)
    store.products.set(id, {
      id,
      name: `Bench product ${i + 1}`,
      slug: `bench-product-${i + 1}`,
      type: 'variable',
      status: 'publish',
      featured: false,
      catalog_visibility: 'visible',
      description: '',
      short_description: '',
      sku,
      regular_price: '',
      sale_price: '',
      virtual: false,
      downloadable: false,
      downloads: [],
      tax_status: 'taxable',
      tax_class: '',
      manage_stock: false,
      stock_quantity: null,
      stock_status: 'instock',
      backorders: 'no',
      weight: '0.5',
      dimensions: { length: '10', width: '10', height: '5' },
      shipping_class: '',
      categories: category ? [category] : [],
      tags: [],
      attributes: [
        { id: 0, name: 'Colour', position: 0, visible: true, variation: true, options: colours },
      ],
      variations: [],
      menu_order: 0,
      meta_data: [],
      created: t - 86_400_000,
      modified: t,
    })
    const product = store.products.get(id)!
    for (let v = 0; v < c.variants; v++) {
      const vid = store.postId()
      store.variations.set(vid, {
        id: vid,
        parent_id: id,
        status: 'publish',
        description: '',
        sku: `${sku}-${v + 1}`,
        regular_price: '19.90',
        sale_price: '',
        virtual: false,
        downloadable: false,
        manage_stock: true,
        stock_quantity: 1000,
        stock_status: 'instock',
        backorders: 'no',
        weight: '0.5',
        dimensions: { length: '', width: '', height: '' },
        attributes: [{ id: 0, name: 'Colour', option: colours[v] ?? `C${v}` }],
        menu_order: v,
        meta_data: [],
        created: t - 86_400_000,
        modified: t,
      })
      product.variations.push(vid)
    }
  }
}

function shopifyCatalog(store: ShopifyStore, c: Catalog): void {
  const locations = [...store.locations.values()].filter((l) => !l.fulfillmentServiceHandle)
  const first = locations[0]!
  for (let i = 0; i < c.products; i++) {
    const t = new Date(at(i, c.products)).toISOString()
    const product = {
      id: store.nextId(),
      title: `Bench product ${i + 1}`,
      handle: `bench-product-${i + 1}`,
      status: 'ACTIVE' as const,
      vendor: 'Dockhand Bench',
      productType: 'Apparel',
      tags: [],
      descriptionHtml: '',
      imageUrl: null,
      imageId: null,
      variantIds: [] as number[],
      createdAt: t,
      updatedAt: t,
    }
    store.products.set(product.id, product)
    for (let v = 0; v < c.variants; v++) {
      const inventoryItemId = store.nextId()
      const variant = {
        id: store.nextId(),
        productId: product.id,
        title: `${COLOURS[v % COLOURS.length]} / ${SIZES[v % SIZES.length]}`,
        sku: `BENCH-${i + 1}-${v + 1}`,
        barcode: null,
        price: '199.00',
        compareAtPrice: null,
        position: v + 1,
        grams: 500,
        inventoryItemId,
        taxable: true,
        createdAt: t,
        updatedAt: t,
      }
      store.variants.set(variant.id, variant)
      product.variantIds.push(variant.id)
      store.inventoryItems.set(inventoryItemId, {
        id: inventoryItemId,
        variantId: variant.id,
        tracked: true,
        requiresShipping: true,
        unitCost: '50.00',
        countryCodeOfOrigin: 'SE',
        harmonizedSystemCode: null,
        weight: { value: 500, unit: 'GRAMS' },
        createdAt: t,
        updatedAt: t,
      })
      const level = store.activate(inventoryItemId, first.id, t, 0)
      store.setQuantity(level, 'available', 1000, t)
    }
  }
}

function bigCommerceCatalog(store: BigCommerceStore, c: Catalog): void {
  for (let i = 0; i < c.products; i++) {
    const t = new Date(at(i, c.products))
    const id = store.nextId('product')
    const sku = `BENCH-${i + 1}`
    store.products.set(id, {
      id,
      name: `Bench product ${i + 1}`,
      type: 'physical',
      sku,
      price: 19.9,
      weight: 0.5,
      is_visible: true,
      availability: 'available',
      inventory_tracking: 'variant',
      inventory_warning_level: 0,
      date_created: new Date(t.getTime() - 86_400_000),
      date_modified: t,
      base_variant_id: 0,
      variant_ids: [],
    })
    const product = store.products.get(id)!
    for (let v = 0; v < c.variants; v++) {
      const variantId = store.nextId('variant')
      store.variants.set(variantId, {
        id: variantId,
        product_id: id,
        sku: `${sku}-${v + 1}`,
        sku_id: store.nextId('skuId'),
        price: null,
        weight: null,
        upc: '',
        inventory_warning_level: 0,
        purchasing_disabled: false,
        bin_picking_number: '',
        option_values: [
          {
            id: 1_000_000 + variantId,
            label: COLOURS[v % COLOURS.length]!,
            option_id: 900_000 + i,
            option_display_name: 'Colour',
          },
        ],
      })
      product.variant_ids.push(variantId)
      store.setLevel(1, { variantId }, 1000)
    }
    product.base_variant_id = product.variant_ids[0]!
  }
}

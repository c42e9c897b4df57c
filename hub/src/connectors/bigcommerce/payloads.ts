/**
 * Raw BigCommerce shapes the connector reads. Loose: only fields we use are checked, the rest pass.
 * v2 (orders): RFC 2822 dates, money as strings ("225.0000"). v3 (catalog, inventory): ISO 8601,
 * numbers. Specs: shared/specs/bigcommerce/*.yml.
 */
import { z } from 'zod'

const str = z.string().nullish()
const num = z.number().nullish()
/** v2 money: a decimal string; some stores/apps send numbers. */
const money = z.union([z.string(), z.number()]).nullish()

export const addressSchema = z.looseObject({
  first_name: str,
  last_name: str,
  company: str,
  street_1: str,
  street_2: str,
  city: str,
  state: str,
  zip: str,
  country: str,
  country_iso2: str,
  phone: str,
  email: str,
})

export const orderSchema = z.looseObject({
  id: z.number().int(),
  status_id: z.number().int(),
  status: str,
  custom_status: str,
  customer_id: num,
  date_created: str,
  date_modified: str,
  currency_code: str,
  total_inc_tax: money,
  customer_message: str,
  billing_address: addressSchema.nullish(),
  is_deleted: z.boolean().nullish(),
  /** Total quantity of the order's items; checked against the consignments' lines. */
  items_total: z.unknown().optional(),
  /**
   * With `include=consignments.line_items&consignment_structure=object` (spec parameters
   * `order_includes`, `consignment_structure`) the consignments object, else a resource link or
   * absent; read with `consignmentsSchema` below.
   */
  consignments: z.unknown().optional(),
})
export type BcOrder = z.infer<typeof orderSchema>

export const orderProductSchema = z.looseObject({
  id: z.number().int(),
  order_id: z.number().int().nullish(),
  product_id: num,
  variant_id: num,
  order_address_id: num,
  name: z.string(),
  sku: str,
  type: str,
  quantity: z.number(),
  quantity_shipped: num,
  price_inc_tax: money,
  total_inc_tax: money,
  product_options: z.array(z.looseObject({ display_name: str, display_value: str })).nullish(),
  parent_order_product_id: num,
})
export type BcOrderProduct = z.infer<typeof orderProductSchema>

export const shippingAddressSchema = addressSchema.extend({
  id: z.number().int(),
  shipping_method: str,
})
export type BcShippingAddress = z.infer<typeof shippingAddressSchema>

/**
 * An order's consignments in the object structure (spec schema `orderConsignment_Get`) with the
 * line items expanded (`include=consignments.line_items`): each line item is an order product as
 * `/orders/{id}/products` returns it; a shipping consignment carries the shipping address fields,
 * its `id` being the order address id. Line items that are resource links (`include=consignments`
 * only) do not parse.
 */
const consignmentLines = z.array(orderProductSchema)
export const shippingConsignmentSchema = shippingAddressSchema.extend({
  line_items: consignmentLines,
})
const itemsConsignment = z.looseObject({ line_items: consignmentLines })
export const consignmentsSchema = z.looseObject({
  shipping: z.array(shippingConsignmentSchema).nullish(),
  pickups: z.array(itemsConsignment).nullish(),
  downloads: z.array(itemsConsignment).nullish(),
  email: z.looseObject({ gift_certificates: z.array(itemsConsignment).nullish() }).nullish(),
})
export type BcConsignments = z.infer<typeof consignmentsSchema>

export const shipmentSchema = z.looseObject({
  id: z.number().int(),
  order_address_id: num,
  tracking_number: str,
  comments: str,
  items: z.array(z.looseObject({ order_product_id: num, quantity: num })).nullish(),
})
export type BcShipment = z.infer<typeof shipmentSchema>

export const variantSchema = z.looseObject({
  id: z.number().int(),
  product_id: z.number().int(),
  sku: str,
  upc: str,
  gtin: str,
  price: num,
  calculated_price: num,
  purchasing_disabled: z.boolean().nullish(),
  option_values: z.array(z.looseObject({ label: str, option_display_name: str })).nullish(),
})
export type BcVariant = z.infer<typeof variantSchema>

export const productSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  type: str,
  sku: str,
  upc: str,
  price: num,
  is_visible: z.boolean().nullish(),
  availability: str,
  inventory_tracking: z.enum(['none', 'product', 'variant']).nullish(),
  date_modified: str,
  base_variant_id: num,
  variants: z.array(variantSchema).nullish(),
})
export type BcProduct = z.infer<typeof productSchema>

export const v3PageSchema = z.looseObject({
  data: z.array(z.unknown()),
  meta: z
    .looseObject({
      pagination: z.looseObject({ total: num, total_pages: num, current_page: num }).nullish(),
    })
    .nullish(),
})

export const locationItemSchema = z.looseObject({
  identity: z.looseObject({ variant_id: num, product_id: num, sku: str }),
  total_inventory_onhand: num,
  available_to_sell: num,
})

export const hookSchema = z.looseObject({
  id: z.number().int(),
  scope: z.string(),
  destination: z.string(),
  is_active: z.boolean().nullish(),
  headers: z.record(z.string(), z.string()).nullish(),
})
export type BcHook = z.infer<typeof hookSchema>

export const webhookPayloadSchema = z.looseObject({
  scope: z.string(),
  hash: str,
  created_at: z.union([z.number(), z.string()]).nullish(),
  producer: str,
  data: z.looseObject({ type: str, id: z.union([z.number(), z.string()]) }).nullish(),
})

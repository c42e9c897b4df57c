/**
 * Raw wc/v3 shapes, as far as the connector uses them. Unknown fields pass through; a record fails
 * only when a field we read has the wrong type.
 * Docs: https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties
 *       https://woocommerce.github.io/woocommerce-rest-api-docs/#product-properties
 */
import { z } from 'zod'

const str = z
  .string()
  .nullish()
  .transform((v) => v ?? '')
const id = z.coerce.number().int()

export const addressSchema = z.looseObject({
  first_name: str,
  last_name: str,
  company: str,
  address_1: str,
  address_2: str,
  city: str,
  state: str,
  postcode: str,
  country: str,
  email: str,
  phone: str,
})
export type WooAddress = z.infer<typeof addressSchema>

const emptyAddress = addressSchema.parse({})

export const lineItemSchema = z.looseObject({
  id,
  name: str,
  product_id: id.nullish().transform((v) => v ?? 0),
  variation_id: id.nullish().transform((v) => v ?? 0),
  quantity: z.number(),
  sku: str,
  price: z.union([z.number(), z.string()]).nullish(),
  total: str,
})
export type WooLineItem = z.infer<typeof lineItemSchema>

export const orderSchema = z.looseObject({
  id,
  number: z.union([z.string(), z.number()]).transform(String),
  status: z.string(),
  currency: str,
  total: str,
  customer_id: id.nullish(),
  customer_note: str,
  date_created_gmt: z.string().nullish(),
  date_modified_gmt: z.string().nullish(),
  billing: addressSchema.nullish().transform((v) => v ?? emptyAddress),
  shipping: addressSchema.nullish().transform((v) => v ?? emptyAddress),
  line_items: z.array(lineItemSchema),
  shipping_lines: z
    .array(z.looseObject({ method_id: str, method_title: str }))
    .nullish()
    .transform((v) => v ?? []),
  refunds: z
    .array(z.looseObject({ id, reason: str, total: str }))
    .nullish()
    .transform((v) => v ?? []),
})
export type WooOrder = z.infer<typeof orderSchema>

const category = z.looseObject({ id, name: z.string() })

export const productSchema = z.looseObject({
  id,
  name: str,
  type: z.string(),
  status: z.string(),
  sku: str,
  virtual: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  manage_stock: z.union([z.boolean(), z.literal('parent')]).nullish(),
  stock_quantity: z.number().nullish(),
  date_modified_gmt: z.string().nullish(),
  categories: z
    .array(category)
    .nullish()
    .transform((v) => v ?? []),
  variations: z
    .array(id)
    .nullish()
    .transform((v) => v ?? []),
})
export type WooProduct = z.infer<typeof productSchema>

export const variationSchema = z.looseObject({
  id,
  name: str,
  status: str,
  sku: str,
  virtual: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
  manage_stock: z.union([z.boolean(), z.literal('parent')]).nullish(),
  stock_quantity: z.number().nullish(),
  parent_id: id.nullish(),
  attributes: z
    .array(z.looseObject({ name: str, option: str }))
    .nullish()
    .transform((v) => v ?? []),
})
export type WooVariation = z.infer<typeof variationSchema>

export const noteSchema = z.looseObject({ id, note: str, customer_note: z.boolean().nullish() })
/** A registered customer; only the account e-mail is used ("Customer (if set) ⇒ Email"). */
export const customerSchema = z.looseObject({ id, email: str })
export const refundSchema = z.looseObject({ id, reason: str, amount: str })
export const trackingSchema = z.looseObject({ tracking_id: str, tracking_number: str })
export const webhookSchema = z.looseObject({
  id,
  name: str,
  status: z.string(),
  topic: z.string(),
  delivery_url: z.string(),
})
export type WooWebhook = z.infer<typeof webhookSchema>

/** WooCommerce batch answer: each item is the resource or `{id, error}`; HTTP 200 either way. */
export const batchResultSchema = z.looseObject({
  update: z
    .array(
      z.looseObject({
        id: z.coerce.number().nullish(),
        error: z.looseObject({ code: str, message: str }).nullish(),
        stock_quantity: z.number().nullish(),
      }),
    )
    .nullish()
    .transform((v) => v ?? []),
})

/** Parse a list, turning bad records into messages instead of failing the page. */
export function parseEach<T>(
  schema: z.ZodType<T>,
  items: unknown,
): { ok: T[]; bad: Array<{ id: string; reason: string }> } {
  const ok: T[] = []
  const bad: Array<{ id: string; reason: string }> = []
  for (const item of Array.isArray(items) ? items : []) {
    const r = schema.safeParse(item)
    if (r.success) ok.push(r.data)
    else
      bad.push({
        id: String((item as { id?: unknown })?.id ?? '?'),
        reason: r.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join('.') || 'record'}: ${i.message}`)
          .join('; '),
      })
  }
  return { ok, bad }
}

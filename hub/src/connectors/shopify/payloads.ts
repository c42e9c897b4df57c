/**
 * Raw GraphQL Admin API shapes the connector reads (zod 4 loose objects: unknown fields pass,
 * only the fields we use are checked). Docs: https://shopify.dev/docs/api/admin-graphql
 */
import { z } from 'zod'

const money = z.looseObject({ shopMoney: z.looseObject({ amount: z.string() }) })
const nullableString = z.string().nullish()

export const variantSchema = z.looseObject({
  id: z.string(),
  sku: nullableString,
  barcode: nullableString,
  title: z.string(),
  price: z.string().nullish(),
  updatedAt: z.string().nullish(),
  product: z.looseObject({
    id: z.string(),
    title: z.string(),
    status: z.string(),
    vendor: nullableString,
    featuredImage: z.looseObject({ url: z.string() }).nullish(),
  }),
  inventoryItem: z
    .looseObject({
      id: z.string(),
      tracked: z.boolean(),
      countryCodeOfOrigin: nullableString,
      harmonizedSystemCode: nullableString,
      unitCost: z.looseObject({ amount: z.string() }).nullish(),
      measurement: z
        .looseObject({
          weight: z.looseObject({ unit: z.string(), value: z.number() }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
})
export type RawVariant = z.infer<typeof variantSchema>

export const addressSchema = z.looseObject({
  firstName: nullableString,
  lastName: nullableString,
  company: nullableString,
  address1: nullableString,
  address2: nullableString,
  city: nullableString,
  provinceCode: nullableString,
  zip: nullableString,
  countryCodeV2: nullableString,
  phone: nullableString,
})
export type RawAddress = z.infer<typeof addressSchema>

export const foLineSchema = z.looseObject({
  id: z.string(),
  totalQuantity: z.number().int(),
  remainingQuantity: z.number().int(),
  lineItem: z.looseObject({
    id: z.string(),
    sku: nullableString,
    name: z.string(),
    quantity: z.number().int(),
    variant: z.looseObject({ id: z.string() }).nullish(),
    originalUnitPriceSet: money.nullish(),
    totalDiscountSet: money.nullish(),
  }),
})

export const fulfillmentOrderSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  assignedLocation: z.looseObject({
    location: z.looseObject({ id: z.string() }).nullish(),
  }),
  lineItems: z.looseObject({
    pageInfo: z.looseObject({ hasNextPage: z.boolean() }).optional(),
    nodes: z.array(foLineSchema),
  }),
})
export type RawFulfillmentOrder = z.infer<typeof fulfillmentOrderSchema>

export const orderSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  cancelledAt: nullableString,
  closed: z.boolean().nullish(),
  displayFinancialStatus: nullableString,
  displayFulfillmentStatus: z.string(),
  currencyCode: z.string(),
  email: nullableString,
  phone: nullableString,
  note: nullableString,
  totalPriceSet: z.looseObject({
    shopMoney: z.looseObject({ amount: z.string(), currencyCode: z.string().optional() }),
  }),
  customer: z
    .looseObject({ email: nullableString, phone: nullableString, note: nullableString })
    .nullish(),
  shippingAddress: addressSchema.nullish(),
  billingAddress: addressSchema.nullish(),
  shippingLine: z
    .looseObject({
      title: z.string(),
      code: nullableString,
      carrierIdentifier: nullableString,
      source: nullableString,
    })
    .nullish(),
  customAttributes: z.array(z.looseObject({ key: z.string(), value: nullableString })).nullish(),
  refunds: z
    .array(
      z.looseObject({
        note: nullableString,
        refundLineItems: z.looseObject({
          nodes: z.array(
            z.looseObject({
              quantity: z.number().int(),
              restockType: z.string(),
              lineItem: z.looseObject({ id: z.string() }),
            }),
          ),
        }),
      }),
    )
    .nullish(),
  fulfillmentOrders: z.looseObject({
    pageInfo: z.looseObject({ hasNextPage: z.boolean() }).optional(),
    nodes: z.array(fulfillmentOrderSchema),
  }),
})
export type RawOrder = z.infer<typeof orderSchema>

/** Webhook body fields we read to know what changed (REST-shaped JSON). */
export const webhookOrderSchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  admin_graphql_api_id: z.string().optional(),
})
export const webhookProductSchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  admin_graphql_api_id: z.string().optional(),
})
export const webhookOrderRefSchema = z.looseObject({
  order_id: z.union([z.number(), z.string()]),
})

/**
 * What connectors hand to the hub (inputs) — platform-neutral, already mapped.
 * Connectors produce these with pure mapping functions; the sync engine persists them.
 */

export interface ArticleInput {
  articleNumber: string
  name: string
  barcode?: string | null
  productCode?: string | null
  unit?: string
  weightKg?: string | null
  price?: string | null
  customerPrice?: string | null
  purchasePrice?: string | null
  currency?: string | null
  supplier?: string | null
  countryOfOrigin?: string | null
  hsCode?: string | null
  imageUrl?: string | null
  categories?: string[]
  active?: boolean
  stockArticle?: boolean
  /** The platform ids this article is linked to. */
  link: {
    productId: string
    variantId?: string | null
    inventoryItemId?: string | null
    stockTracked: boolean
  }
}

export interface AddressInput {
  name: string | null
  company?: string | null
  address1: string | null
  address2?: string | null
  postCode: string | null
  city: string | null
  state?: string | null
  countryCode: string | null
  email?: string | null
  phone?: string | null
  mobilePhone?: string | null
}

export interface CustomerInput extends AddressInput {
  customerNumber?: string | null
  remark?: string | null
  salesCode?: string | null
}

export interface NotificationInput {
  email: string | null
  mobilePhone: string | null
  telephone: string | null
  notifyByEmail: boolean
  notifyBySms: boolean
}

export interface OrderLineInput {
  externalLineId: string | null
  articleNumber: string | null
  /**
   * What the article number stands in for when the line has no SKU (e.g. "variant id"), so a
   * reason can say so instead of calling it a SKU.
   */
  articleNumberFrom?: string
  name: string
  quantity: number
  unitPrice?: string | null
  lineTotal?: string | null
  discount?: string | null
  /** Platform references needed to write back (product/variant ids, fulfilment order line ids…). */
  meta?: Record<string, unknown>
}

export interface OrderInput {
  externalId: string
  orderNumber: string
  shopStatus: string | null
  orderDate: string | null
  currency: string | null
  totalPrice?: string | null
  remark?: string | null
  deliveryInstruction?: string | null
  shippingMethod: { code: string | null; name: string | null } | null
  servicePoint?: string | null
  customer: CustomerInput
  invoiceAddress?: AddressInput | null
  notification: NotificationInput
  lines: OrderLineInput[]
  /** The shop says the order is cancelled or refunded. */
  cancelled: boolean
  /**
   * Apply only to an order the hub already has; never import it as new. For orders a connector
   * reads only to notice changes (e.g. BigCommerce orders already moved to the after-pull status).
   */
  updateOnly?: boolean
  meta?: Record<string, unknown>
}

/** A problem with one record, reported on the run; never stops the sync. */
export interface RecordIssue {
  code: string
  message: string
  platformRef?: string | null
  level?: 'error' | 'warning'
}

/**
 * Every GraphQL document the Shopify connector sends, as constants, so one test can validate them
 * all against the schema (the newest schema we hold plus the drift list of the pinned version).
 * Page sizes are chosen so each query's requested cost stays under Shopify's 1,000-point ceiling
 * (connection cost ≈ 2 + first × node cost). Docs: https://shopify.dev/docs/api/usage/limits
 */

/** Variants per articles page (node cost 7 with inventory-item fields: 2 + 125 × 7 = 877). */
export const VARIANT_PAGE_SIZE = 125
/** Orders per page (node cost ≈ 183: 2 + 5 × 183 = 917). */
export const ORDER_PAGE_SIZE = 5
/** Products per "changed products" page (node cost 1). */
export const PRODUCT_ID_PAGE_SIZE = 250
/** Inventory levels per stock-read page (node cost 3). */
export const LEVEL_PAGE_SIZE = 250
/** inventorySetQuantities takes at most 250 quantities per call. */
export const STOCK_BATCH_SIZE = 250

// https://shopify.dev/docs/api/admin-graphql/latest/queries/shop
export const SHOP_QUERY = /* GraphQL */ `
  query DockhandShop {
    shop { name myshopifyDomain currencyCode ianaTimezone }
  }
`

// https://shopify.dev/docs/api/admin-graphql/latest/queries/locations
export const LOCATIONS_QUERY = /* GraphQL */ `
  query DockhandLocations {
    locations(first: 100) {
      nodes { id name isActive fulfillsOnlineOrders isFulfillmentService }
    }
  }
`

// https://shopify.dev/docs/api/admin-graphql/latest/queries/location
export const LOCATION_QUERY = /* GraphQL */ `
  query DockhandLocation($id: ID!) {
    location(id: $id) { id name isActive isFulfillmentService }
  }
`

const VARIANT_FIELDS = /* GraphQL */ `
  id sku barcode title price updatedAt
  product { id title status vendor updatedAt featuredImage { url } }
`

// https://shopify.dev/docs/api/admin-graphql/latest/queries/productVariants
export const VARIANTS_QUERY = /* GraphQL */ `
  query DockhandVariants($first: Int!, $after: String, $query: String) {
    productVariants(first: $first, after: $after, query: $query, sortKey: ID) {
      pageInfo { hasNextPage endCursor }
      nodes {
        ${VARIANT_FIELDS}
        inventoryItem { id tracked measurement { weight { unit value } } }
      }
    }
  }
`

/** The same with the inventory item's cost, country of origin and HS code (setting fetch_inventory_items). */
export const VARIANTS_WITH_ITEMS_QUERY = /* GraphQL */ `
  query DockhandVariantsWithItems($first: Int!, $after: String, $query: String) {
    productVariants(first: $first, after: $after, query: $query, sortKey: ID) {
      pageInfo { hasNextPage endCursor }
      nodes {
        ${VARIANT_FIELDS}
        inventoryItem {
          id tracked countryCodeOfOrigin harmonizedSystemCode
          unitCost { amount }
          measurement { weight { unit value } }
        }
      }
    }
  }
`

/** Products changed in a window (product-level edits do not touch the variants' updated_at). */
// https://shopify.dev/docs/api/admin-graphql/latest/queries/products
export const CHANGED_PRODUCTS_QUERY = /* GraphQL */ `
  query DockhandChangedProducts($first: Int!, $after: String, $query: String) {
    products(first: $first, after: $after, query: $query, sortKey: ID) {
      pageInfo { hasNextPage endCursor }
      nodes { id }
    }
  }
`

const ORDER_FO_LINE = /* GraphQL */ `
  id totalQuantity remainingQuantity
  lineItem {
    id sku name quantity
    variant { id }
    originalUnitPriceSet { shopMoney { amount } }
    totalDiscountSet { shopMoney { amount } }
  }
`

const ORDER_FRAGMENT = /* GraphQL */ `
  fragment DockhandOrder on Order {
    id legacyResourceId name createdAt updatedAt cancelledAt closed
    displayFinancialStatus displayFulfillmentStatus currencyCode email phone note
    totalPriceSet { shopMoney { amount currencyCode } }
    customer { email phone note }
    shippingAddress { firstName lastName company address1 address2 city provinceCode zip countryCodeV2 phone }
    billingAddress { firstName lastName company address1 address2 city provinceCode zip countryCodeV2 phone }
    shippingLine { title code carrierIdentifier source }
    customAttributes { key value }
    refunds(first: 5) {
      id note
      refundLineItems(first: 10) { nodes { quantity restockType lineItem { id } } }
    }
    fulfillmentOrders(first: 2) {
      pageInfo { hasNextPage }
      nodes {
        id status
        assignedLocation { location { id } }
        lineItems(first: 10) {
          pageInfo { hasNextPage }
          nodes { ${ORDER_FO_LINE} }
        }
      }
    }
  }
`

// https://shopify.dev/docs/api/admin-graphql/latest/queries/orders
export const ORDERS_QUERY = /* GraphQL */ `
  query DockhandOrders($first: Int!, $after: String, $query: String) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes { ...DockhandOrder }
    }
  }
  ${ORDER_FRAGMENT}
`

// https://shopify.dev/docs/api/admin-graphql/latest/queries/nodes
export const ORDERS_BY_ID_QUERY = /* GraphQL */ `
  query DockhandOrdersById($ids: [ID!]!) {
    nodes(ids: $ids) { ... on Order { ...DockhandOrder } }
  }
  ${ORDER_FRAGMENT}
`

/** All fulfilment orders of one order, when the page inside DockhandOrder was not enough. */
// https://shopify.dev/docs/api/admin-graphql/latest/objects/Order#connection-fulfillmentOrders
export const ORDER_FULFILLMENT_ORDERS_QUERY = /* GraphQL */ `
  query DockhandOrderFulfillmentOrders($id: ID!) {
    order(id: $id) {
      id
      fulfillmentOrders(first: 5) {
        nodes {
          id status
          assignedLocation { location { id } }
          lineItems(first: 25) { nodes { ${ORDER_FO_LINE} } }
        }
      }
    }
  }
`

/** What fulfilling needs: open fulfilment orders, earlier fulfilments (duplicate check), transactions (capture). */
export const FULFILMENT_STATE_QUERY = /* GraphQL */ `
  query DockhandFulfilmentState($id: ID!) {
    order(id: $id) {
      id cancelledAt displayFinancialStatus
      fulfillmentOrders(first: 5) {
        nodes {
          id status
          assignedLocation { location { id } }
          lineItems(first: 50) { nodes { id remainingQuantity lineItem { id } } }
        }
      }
      fulfillments(first: 20) {
        id status
        trackingInfo(first: 5) { number }
        fulfillmentLineItems(first: 50) { nodes { quantity lineItem { id } } }
      }
      transactions(first: 20) { id kind status gateway amountSet { shopMoney { amount } } }
    }
  }
`

// https://shopify.dev/docs/api/admin-graphql/latest/mutations/fulfillmentCreate
export const FULFILLMENT_CREATE = /* GraphQL */ `
  mutation DockhandFulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {
    fulfillmentCreate(fulfillment: $fulfillment, message: $message) {
      fulfillment { id status }
      userErrors { field message }
    }
  }
`

// https://shopify.dev/docs/api/admin-graphql/latest/mutations/orderCapture
export const ORDER_CAPTURE = /* GraphQL */ `
  mutation DockhandOrderCapture($input: OrderCaptureInput!) {
    orderCapture(input: $input) {
      transaction { id }
      userErrors { field message }
    }
  }
`

/** 2026-04+: each quantity carries changeFromQuantity (null skips the compare-and-set). */
// https://shopify.dev/docs/api/admin-graphql/latest/mutations/inventorySetQuantities
export const INVENTORY_SET_QUANTITIES = /* GraphQL */ `
  mutation DockhandInventorySet($input: InventorySetQuantitiesInput!) {
    inventorySetQuantities(input: $input) {
      inventoryAdjustmentGroup { id }
      userErrors { field message code }
    }
  }
`

// https://shopify.dev/docs/api/admin-graphql/latest/mutations/inventoryActivate
export const INVENTORY_ACTIVATE = /* GraphQL */ `
  mutation DockhandInventoryActivate($inventoryItemId: ID!, $locationId: ID!) {
    inventoryActivate(inventoryItemId: $inventoryItemId, locationId: $locationId) {
      inventoryLevel { id }
      userErrors { field message }
    }
  }
`

/** The location's available quantities, for the daily reconcile. */
// https://shopify.dev/docs/api/admin-graphql/latest/objects/Location#connection-inventoryLevels
export const LOCATION_LEVELS_QUERY = /* GraphQL */ `
  query DockhandLocationLevels($id: ID!, $first: Int!, $after: String) {
    location(id: $id) {
      id
      inventoryLevels(first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes { item { id } quantities(names: ["available"]) { name quantity } }
      }
    }
  }
`

/**
 * The available quantity of a few inventory items at one location (a retried stock write checks
 * what the shop already has). 100 ids cost about 300 points.
 * https://shopify.dev/docs/api/admin-graphql/latest/queries/nodes
 */
export const ITEM_LEVELS_QUERY = /* GraphQL */ `
  query DockhandItemLevels($ids: [ID!]!, $locationId: ID!) {
    nodes(ids: $ids) {
      ... on InventoryItem {
        id
        inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } }
      }
    }
  }
`
/** Ids per ITEM_LEVELS_QUERY call. */
export const ITEM_LEVELS_BATCH = 100

/** Earlier refunds (marker check) and the payments a refund goes back to. */
export const REFUND_STATE_QUERY = /* GraphQL */ `
  query DockhandRefundState($id: ID!) {
    order(id: $id) {
      id
      refunds(first: 50) { id note }
      transactions(first: 20) { id kind status gateway amountSet { shopMoney { amount } } }
    }
  }
`

// https://shopify.dev/docs/api/admin-graphql/latest/mutations/refundCreate
export const REFUND_CREATE = /* GraphQL */ `
  mutation DockhandRefundCreate($input: RefundInput!) {
    refundCreate(input: $input) {
      refund { id }
      userErrors { field message }
    }
  }
`

/** Newer versions address subscriptions by `uri` (drift list). */
// https://shopify.dev/docs/api/admin-graphql/latest/queries/webhookSubscriptions
export const WEBHOOK_SUBSCRIPTIONS_QUERY = /* GraphQL */ `
  query DockhandWebhookSubscriptions($first: Int!, $after: String) {
    webhookSubscriptions(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { id topic uri }
    }
  }
`

// https://shopify.dev/docs/api/admin-graphql/latest/mutations/webhookSubscriptionCreate
export const WEBHOOK_SUBSCRIPTION_CREATE = /* GraphQL */ `
  mutation DockhandWebhookSubscriptionCreate(
    $topic: WebhookSubscriptionTopic!
    $webhookSubscription: WebhookSubscriptionInput!
  ) {
    webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
      webhookSubscription { id }
      userErrors { field message }
    }
  }
`

/** Every document above, by name, for the schema test. */
export const ALL_DOCUMENTS: Readonly<Record<string, string>> = {
  SHOP_QUERY,
  LOCATIONS_QUERY,
  LOCATION_QUERY,
  VARIANTS_QUERY,
  VARIANTS_WITH_ITEMS_QUERY,
  CHANGED_PRODUCTS_QUERY,
  ORDERS_QUERY,
  ORDERS_BY_ID_QUERY,
  ORDER_FULFILLMENT_ORDERS_QUERY,
  FULFILMENT_STATE_QUERY,
  FULFILLMENT_CREATE,
  ORDER_CAPTURE,
  INVENTORY_SET_QUANTITIES,
  INVENTORY_ACTIVATE,
  LOCATION_LEVELS_QUERY,
  REFUND_STATE_QUERY,
  REFUND_CREATE,
  WEBHOOK_SUBSCRIPTIONS_QUERY,
  WEBHOOK_SUBSCRIPTION_CREATE,
}

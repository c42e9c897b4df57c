/** Pure order mapping, table-driven from fixtures/payloads/woocommerce (the seed's field mapping). */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { toOrderInput } from '../../../hub/src/connectors/woocommerce/map-order.ts'
import { orderSchema } from '../../../hub/src/connectors/woocommerce/payloads.ts'

const load = (name: string) =>
  orderSchema.parse(
    JSON.parse(
      readFileSync(
        new URL(`../../../fixtures/payloads/woocommerce/${name}`, import.meta.url),
        'utf8',
      ),
    ),
  )

const processing = toOrderInput(load('order.processing.json'))
const noShipping = toOrderInput(load('order.no-shipping-line.json'))
const cancelled = toOrderInput(load('order.cancelled.json'))
const withCustomer = toOrderInput(load('order.processing.json'), {
  customerEmail: 'account@example.se',
  notifyBySms: false,
})

// [seed field, mapped value, expected]
const table: Array<[string, unknown, unknown]> = [
  ['GoodsOwnerOrderId ⇐ Order ⇒ Id', processing.externalId, '727'],
  ['GoodsOwnerOrderNumber ⇐ Order ⇒ Order number', processing.orderNumber, '727'],
  ['DeliveryDate ⇐ Order ⇒ Created (GMT)', processing.orderDate, '2026-11-24T14:02:11.000Z'],
  [
    'WayOfDeliveryType.Code ⇐ (first) shipping line method id',
    processing.shippingMethod?.code,
    'flat_rate',
  ],
  [
    'WayOfDeliveryType.Name ⇐ (first) shipping line title',
    processing.shippingMethod?.name,
    'PostNord MyPack Home',
  ],
  ['no shipping line → no method', noShipping.shippingMethod, null],
  ['OrderRemark ⇐ Order ⇒ Note', processing.remark, 'Ring på dörren'],
  ['SalesCode ⇐ shipping first + last (company set)', processing.customer.salesCode, 'Per Olsson'],
  ['SalesCode not set without company', cancelled.customer.salesCode, null],
  ['Customer.Name ⇐ shipping company', processing.customer.name, 'Olsson Bygg AB'],
  ['Customer.Name ⇐ first + last without company', cancelled.customer.name, 'Per Olsson'],
  ['Customer.Address ⇐ shipping address 1', processing.customer.address1, 'Hamngatan 5'],
  ['Customer.Address2 ⇐ shipping address 2', processing.customer.address2, 'Lager 3'],
  ['Customer.PostCode', processing.customer.postCode, '411 06'],
  ['Customer.City', processing.customer.city, 'Göteborg'],
  ['Customer.CountryCode', processing.customer.countryCode, 'SE'],
  ['Customer.Email ⇐ billing email (no customer)', processing.customer.email, 'asa@example.se'],
  ['Customer.Email ⇐ customer email when set', withCustomer.customer.email, 'account@example.se'],
  ['Customer.MobilePhone ⇐ billing phone', processing.customer.mobilePhone, '+46701234567'],
  [
    'Invoice.Name ⇐ billing first + last (no company)',
    processing.invoiceAddress?.name,
    'Åsa Lindqvist',
  ],
  ['Invoice.Name ⇐ billing company', noShipping.invoiceAddress?.name, 'Lindqvist Design AB'],
  ['Invoice.Address ⇐ billing address 1', processing.invoiceAddress?.address1, 'Storgatan 1'],
  ['Invoice.PostCode', processing.invoiceAddress?.postCode, '753 20'],
  ['Invoice.City', processing.invoiceAddress?.city, 'Uppsala'],
  ['Invoice.CountryCode', processing.invoiceAddress?.countryCode, 'SE'],
  ['Invoice.Email ⇐ billing email', processing.invoiceAddress?.email, 'asa@example.se'],
  ['Invoice.MobilePhone ⇐ billing phone', processing.invoiceAddress?.mobilePhone, '+46701234567'],
  [
    'Notification.Email ⇐ customer else billing',
    withCustomer.notification.email,
    'account@example.se',
  ],
  ['Notification.MobilePhone ⇐ billing phone', processing.notification.mobilePhone, '+46701234567'],
  ['Notification.Telephone ⇐ billing phone', processing.notification.telephone, '+46701234567'],
  ['NotifyByEmail default true', processing.notification.notifyByEmail, true],
  ['NotifyBySms default true', processing.notification.notifyBySms, true],
  ['NotifyBySms per setting', withCustomer.notification.notifyBySms, false],
  ['Line.ExternalOrderLineCode ⇐ line id', processing.lines[0]?.externalLineId, '315'],
  ['Line.ArticleNumber ⇐ line SKU', processing.lines[0]?.articleNumber, 'HOOD-BL-L'],
  ['Line.ArticleName ⇐ line name', processing.lines[0]?.name, 'Woo Hoodie - Blue, L'],
  ['Line.NumberOfItems ⇐ quantity', processing.lines[0]?.quantity, 2],
  ['Line.CustomerLinePrice ⇐ line total', processing.lines[0]?.lineTotal, '270.00'],
  ['Line.LinePrice ⇐ line price', processing.lines[0]?.unitPrice, '135'],
  ['Line without SKU → no article number', noShipping.lines[0]?.articleNumber, null],
  ['Line.CurrencyCode ⇐ order currency', processing.currency, 'SEK'],
  [
    'line meta keeps the order item id (refunds)',
    processing.lines[1]?.meta,
    { item_id: 316, product_id: 80, variation_id: 0 },
  ],
  ['processing is not cancelled', processing.cancelled, false],
  ['cancelled in the shop → cancelled', cancelled.cancelled, true],
  ['no shipping address → billing address used', noShipping.customer.address1, 'Storgatan 1'],
]

describe('toOrderInput (seed field mapping)', () => {
  it.each(table)('%s', (_name, actual, expected) => {
    expect(actual).toEqual(expected)
  })
  it('is pure: the same payload maps to the same input', () => {
    expect(toOrderInput(load('order.processing.json'))).toEqual(processing)
  })
})

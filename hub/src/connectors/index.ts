/**
 * The connectors this hub ships. Each platform's connector lives in its own folder and is
 * registered here; the engine only ever sees the `Connector` interface.
 */
import { ConnectorRegistry } from '../sync/connector.ts'
import { bigCommerceConnector } from './bigcommerce/index.ts'
import { createShopifyConnector } from './shopify/index.ts'
import { wooCommerceConnector } from './woocommerce/index.ts'

export function createRegistry(): ConnectorRegistry {
  return new ConnectorRegistry()
    .register(bigCommerceConnector)
    .register(wooCommerceConnector)
    .register(createShopifyConnector())
}

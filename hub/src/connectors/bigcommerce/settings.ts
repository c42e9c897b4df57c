/** The connection's settings, parsed with the shared schema (defaults from the seeds). */
import {
  type BigCommerceSettings,
  bigCommerceSettingsSchema,
} from '../../../../shared/src/settings.ts'
import type { ConnectorContext } from '../../sync/connector.ts'

export function settingsOf(ctx: ConnectorContext): BigCommerceSettings {
  const parsed = bigCommerceSettingsSchema.safeParse(ctx.settings ?? {})
  return parsed.success ? parsed.data : bigCommerceSettingsSchema.parse({})
}

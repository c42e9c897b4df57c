import type { Migration, MigrationProvider } from 'kysely'
import * as initial from './20261124_001_initial.ts'
import * as privacyInstalls from './20261124_002_privacy_installs.ts'
import * as linkShopChanged from './20261124_003_link_shop_changed.ts'

/** Migrations in code (no directory scanning), so a bundled or compiled hub finds them. */
export const migrationProvider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '20261124_001_initial': initial,
      '20261124_002_privacy_installs': privacyInstalls,
      '20261124_003_link_shop_changed': linkShopChanged,
    }
  },
}

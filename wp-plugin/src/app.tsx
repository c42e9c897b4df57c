import { Notice, Spinner } from '@wordpress/components'
import { useCallback, useEffect, useState } from '@wordpress/element'
import { __ } from '@wordpress/i18n'
import { type Api, errorMessage } from './api.ts'
import { Activity } from './components/activity.tsx'
import { ConnectPanel } from './components/connect-panel.tsx'
import { SettingsForm } from './components/settings-form.tsx'
import { ShippingRules } from './components/shipping-rules.tsx'
import type { ConnectionView, PluginState } from './types.ts'

export interface Boot {
  siteUrl: string
  keysReturn: '' | 'approved' | 'denied'
}

export function App({ api, boot }: { api: Api; boot: Boot }) {
  const [state, setState] = useState<PluginState | null>(null)
  const [connection, setConnection] = useState<ConnectionView | null>(null)
  const [error, setError] = useState('')

  const loadConnection = useCallback(
    (s: PluginState) => {
      if (!s.connection_id) {
        setConnection(null)
        return
      }
      api
        .connection()
        .then(setConnection)
        .catch((e: unknown) => setError(errorMessage(e)))
    },
    [api],
  )

  useEffect(() => {
    api
      .state()
      .then((s) => {
        setState(s)
        loadConnection(s)
      })
      .catch((e: unknown) => setError(errorMessage(e)))
    return undefined
  }, [api, loadConnection])

  if (!state)
    return error ? (
      <Notice status="error" isDismissible={false}>
        {error}
      </Notice>
    ) : (
      <Spinner />
    )

  return (
    <div className="dockhand">
      {boot.keysReturn === 'approved' && (
        <Notice status="success" isDismissible={false}>
          {__(
            'WooCommerce created read/write keys for Dockhand. Save to send them to the hub.',
            'dockhand-for-woocommerce',
          )}
        </Notice>
      )}
      {boot.keysReturn === 'denied' && (
        <Notice status="warning" isDismissible={false}>
          {__(
            'No keys were created: the request was denied in WooCommerce.',
            'dockhand-for-woocommerce',
          )}
        </Notice>
      )}
      {error && (
        <Notice status="error" onRemove={() => setError('')}>
          {error}
        </Notice>
      )}
      <ConnectPanel
        api={api}
        state={state}
        onConnected={(next, conn) => {
          setState(next)
          setConnection(conn)
        }}
      />
      {connection && (
        <>
          <Activity api={api} />
          <SettingsForm api={api} connection={connection} onSaved={setConnection} />
          <ShippingRules api={api} />
        </>
      )}
    </div>
  )
}

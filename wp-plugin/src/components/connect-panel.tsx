/** Connect in one screen: hub URL + token, WooCommerce keys pasted or created, save, test result. */
import {
  Button,
  Card,
  CardBody,
  CardHeader,
  ExternalLink,
  Notice,
  TextControl,
} from '@wordpress/components'
import { useState } from '@wordpress/element'
import { __, sprintf } from '@wordpress/i18n'
import { type Api, errorMessage } from '../api.ts'
import { type ConnectValues, connectPayload, validateConnect } from '../form.ts'
import type { ConnectionCheck, ConnectionView, PluginState } from '../types.ts'

export function ConnectPanel(props: {
  api: Api
  state: PluginState
  onConnected: (state: PluginState, connection: ConnectionView) => void
}) {
  const { api, state } = props
  const [values, setValues] = useState<ConnectValues>({
    hub_url: state.hub_url,
    hub_token: '',
    consumer_key: '',
    consumer_secret: '',
    goods_owner_id: '',
  })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState('')
  const [test, setTest] = useState<ConnectionCheck | null>(null)

  const field = (key: keyof ConnectValues) => (value: string) =>
    setValues((v) => ({ ...v, [key]: value }))

  const save = () => {
    const found = validateConnect(values, state)
    setErrors(found)
    setFailure('')
    if (Object.keys(found).length) return
    setBusy(true)
    setTest(null)
    api
      .connect(connectPayload(values))
      .then((result) => {
        setTest(result.test)
        setValues((v) => ({ ...v, hub_token: '', consumer_key: '', consumer_secret: '' }))
        props.onConnected(result.state, result.connection)
      })
      .catch((e: unknown) => setFailure(errorMessage(e)))
      .finally(() => setBusy(false))
  }

  const runTest = () => {
    setBusy(true)
    setFailure('')
    api
      .test()
      .then(setTest)
      .catch((e: unknown) => setFailure(errorMessage(e)))
      .finally(() => setBusy(false))
  }

  const createKeys = () => {
    setFailure('')
    api
      .startKeys()
      .then((r) => {
        window.location.href = r.authorize_url
      })
      .catch((e: unknown) => setFailure(errorMessage(e)))
  }

  const err = (key: string) =>
    errors[key] ? <span className="dockhand-error">{errors[key]}</span> : undefined

  return (
    <Card className="dockhand-connect">
      <CardHeader>
        <h2>{__('Connection', 'dockhand-for-woocommerce')}</h2>
      </CardHeader>
      <CardBody>
        <p>
          {__('This shop:', 'dockhand-for-woocommerce')} <code>{state.site_url}</code>
          {state.connection_id && (
            <span>
              {' '}
              — {__('connected as', 'dockhand-for-woocommerce')} <code>{state.connection_id}</code>
            </span>
          )}
        </p>
        <TextControl
          label={__('Hub URL', 'dockhand-for-woocommerce')}
          value={values.hub_url}
          onChange={field('hub_url')}
          placeholder="https://hub.example.com"
          help={err('hub_url')}
        />
        <TextControl
          label={__('Hub token', 'dockhand-for-woocommerce')}
          type="password"
          autoComplete="off"
          value={values.hub_token}
          onChange={field('hub_token')}
          placeholder={
            state.has_hub_token
              ? __('Saved — paste a new one to replace it', 'dockhand-for-woocommerce')
              : ''
          }
          help={err('hub_token')}
        />
        <h3>{__('WooCommerce REST API keys', 'dockhand-for-woocommerce')}</h3>
        <p>
          {state.consumer_key_hint
            ? sprintf(
                /* translators: %s: the last characters of the saved consumer key, e.g. "…a1b2c3d" */
                __('Saved key: %s. Paste a new pair to replace it.', 'dockhand-for-woocommerce'),
                state.consumer_key_hint,
              )
            : __(
                'Dockhand needs a Read/Write key pair to read orders and write stock and tracking.',
                'dockhand-for-woocommerce',
              )}{' '}
          <ExternalLink href={state.wc_rest_keys_url}>
            {__('WooCommerce REST API keys', 'dockhand-for-woocommerce')}
          </ExternalLink>
        </p>
        <div className="dockhand-grid">
          <TextControl
            label={__('Consumer key', 'dockhand-for-woocommerce')}
            value={values.consumer_key}
            onChange={field('consumer_key')}
            autoComplete="off"
            placeholder="ck_…"
            help={err('consumer_key')}
          />
          <TextControl
            label={__('Consumer secret', 'dockhand-for-woocommerce')}
            type="password"
            autoComplete="off"
            value={values.consumer_secret}
            onChange={field('consumer_secret')}
            placeholder="cs_…"
            help={err('consumer_secret')}
          />
        </div>
        <p>
          <Button variant="secondary" onClick={createKeys} disabled={!state.keys_button}>
            {__('Create keys in WooCommerce', 'dockhand-for-woocommerce')}
          </Button>{' '}
          {!state.keys_button && <em>{state.keys_button_reason}</em>}
        </p>
        <TextControl
          label={__('Goods owner id (only with an admin token)', 'dockhand-for-woocommerce')}
          value={values.goods_owner_id}
          onChange={field('goods_owner_id')}
          placeholder={state.goods_owner_id || 'own_…'}
        />
        <div className="dockhand-actions">
          <Button variant="primary" onClick={save} isBusy={busy} disabled={busy}>
            {__('Save and connect', 'dockhand-for-woocommerce')}
          </Button>
          {state.connection_id && (
            <Button variant="secondary" onClick={runTest} disabled={busy}>
              {__('Test connection', 'dockhand-for-woocommerce')}
            </Button>
          )}
        </div>
        {failure && (
          <Notice status="error" isDismissible={false} className="dockhand-connect-error">
            {failure}
          </Notice>
        )}
        {test && (
          <Notice
            status={test.ok ? 'success' : 'error'}
            isDismissible={false}
            className="dockhand-test-result"
          >
            <strong>{test.summary}</strong>
            {test.checks.length > 0 && (
              <ul className="dockhand-checks">
                {test.checks.map((c) => (
                  <li key={c.name}>
                    {c.ok ? '✓' : '✗'} {c.name}: {c.detail}
                  </li>
                ))}
              </ul>
            )}
          </Notice>
        )}
      </CardBody>
    </Card>
  )
}

/** Every WooCommerce setting of the hub, validated with the hub's own schema, defaults shown. */
import {
  Button,
  Card,
  CardBody,
  CardHeader,
  CheckboxControl,
  Notice,
  PanelBody,
  SelectControl,
  TextControl,
  ToggleControl,
} from '@wordpress/components'
import { useMemo, useState } from '@wordpress/element'
import { __, sprintf } from '@wordpress/i18n'
import { type Api, errorMessage } from '../api.ts'
import {
  type Field,
  formatDefault,
  formValues,
  GROUPS,
  getPath,
  groupTitle,
  listFromInput,
  numberFromInput,
  type SettingsValues,
  setPath,
  settingsFields,
  textFromInput,
  validateSettings,
} from '../form.ts'
import type { ConnectionView } from '../types.ts'

export function SettingsForm(props: {
  api: Api
  connection: ConnectionView
  onSaved: (c: ConnectionView) => void
}) {
  const fields = useMemo(() => settingsFields(), [])
  const [values, setValues] = useState<SettingsValues>(() => formValues(props.connection.settings))
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)

  const change = (path: string, value: unknown) => {
    const next = setPath(values, path, value)
    setValues(next)
    const v = validateSettings(next)
    setErrors(v.ok ? {} : v.errors)
    setMessage(null)
  }

  const save = () => {
    const v = validateSettings(values)
    if (!v.ok) {
      setErrors(v.errors)
      setMessage({
        ok: false,
        text: __('Fix the highlighted settings first.', 'dockhand-for-woocommerce'),
      })
      return
    }
    setBusy(true)
    props.api
      .saveSettings(v.settings)
      .then((c) => {
        props.onSaved(c)
        setValues(formValues(c.settings))
        setMessage({ ok: true, text: __('Settings saved on the hub.', 'dockhand-for-woocommerce') })
      })
      .catch((e: unknown) => setMessage({ ok: false, text: errorMessage(e) }))
      .finally(() => setBusy(false))
  }

  const render = (f: Field) => {
    const value = getPath(values, f.path)
    const help = (
      <span>
        {f.help && <span>{f.help} </span>}
        <span className="dockhand-default">
          {sprintf(
            /* translators: %s: the hub's default value of the setting */
            __('Hub default: %s', 'dockhand-for-woocommerce'),
            formatDefault(f.default),
          )}
        </span>
        {errors[f.path] && <span className="dockhand-error"> — {errors[f.path]}</span>}
      </span>
    )
    const key = `field-${f.path}`
    switch (f.kind) {
      case 'toggle':
        return (
          <ToggleControl
            key={key}
            className={key}
            label={f.label}
            checked={value === true}
            onChange={(v) => change(f.path, v)}
            help={help}
          />
        )
      case 'select':
        return (
          <SelectControl
            key={key}
            className={key}
            label={f.label}
            value={String(value ?? '')}
            options={(f.options ?? []).map((o) => ({ label: o, value: o }))}
            onChange={(v) => change(f.path, v)}
            help={help}
          />
        )
      case 'number':
        return (
          <TextControl
            key={key}
            className={key}
            label={f.label}
            type="number"
            min={f.min}
            max={f.max}
            step={f.step}
            value={typeof value === 'number' && !Number.isNaN(value) ? value : ''}
            onChange={(v) => change(f.path, numberFromInput(v))}
            help={help}
          />
        )
      case 'list': {
        const list = Array.isArray(value) ? (value as string[]) : []
        const suggestions = f.suggestions ?? []
        const others = list.filter((s) => !suggestions.includes(s))
        return (
          <fieldset key={key} className={key}>
            <legend>{f.label}</legend>
            {suggestions.map((s) => (
              <CheckboxControl
                key={s}
                label={s}
                checked={list.includes(s)}
                onChange={(on) => change(f.path, on ? [...list, s] : list.filter((x) => x !== s))}
              />
            ))}
            <TextControl
              label={__('Other statuses (comma-separated slugs)', 'dockhand-for-woocommerce')}
              value={others.join(', ')}
              onChange={(v) =>
                change(f.path, [
                  ...list.filter((s) => suggestions.includes(s)),
                  ...listFromInput(v),
                ])
              }
              help={help}
            />
          </fieldset>
        )
      }
      default:
        return (
          <TextControl
            key={key}
            className={key}
            label={f.label}
            value={typeof value === 'string' ? value : ''}
            onChange={(v) => change(f.path, textFromInput(v, f.nullable))}
            help={help}
          />
        )
    }
  }

  const groups = GROUPS.filter((g) => fields.some((f) => f.group === g))

  return (
    <Card className="dockhand-settings">
      <CardHeader>
        <h2>{__('Settings', 'dockhand-for-woocommerce')}</h2>
      </CardHeader>
      <CardBody>
        {groups.map((g) => (
          <PanelBody
            key={g}
            title={groupTitle(g)}
            initialOpen={g === 'processes' || g === 'orders'}
          >
            <div className="dockhand-grid">{fields.filter((f) => f.group === g).map(render)}</div>
          </PanelBody>
        ))}
        <div className="dockhand-actions">
          <Button
            variant="primary"
            onClick={save}
            isBusy={busy}
            disabled={busy || Object.keys(errors).length > 0}
          >
            {__('Save settings', 'dockhand-for-woocommerce')}
          </Button>
        </div>
        {message && (
          <Notice
            status={message.ok ? 'success' : 'error'}
            isDismissible={false}
            className="dockhand-settings-result"
          >
            {message.text}
          </Notice>
        )}
      </CardBody>
    </Card>
  )
}

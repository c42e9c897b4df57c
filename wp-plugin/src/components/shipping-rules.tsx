/** The shipping-method mapping: ordered rules with * wildcards, first match wins. */
import { Button, Card, CardBody, CardHeader, Notice, TextControl } from '@wordpress/components'
import { useEffect, useState } from '@wordpress/element'
import { __ } from '@wordpress/i18n'
import { type Api, errorMessage } from '../api.ts'
import { moveRule, previewRule, validateRules } from '../form.ts'
import type { ShippingRuleRow } from '../types.ts'

export function ShippingRules({ api }: { api: Api }) {
  const [rules, setRules] = useState<ShippingRuleRow[] | null>(null)
  const [tryMethod, setTryMethod] = useState('')
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null)

  useEffect(() => {
    api
      .shippingRules()
      .then((r) =>
        setRules(r.data.map((x) => ({ pattern: x.pattern, way_of_delivery: x.way_of_delivery }))),
      )
      .catch((e: unknown) => setMessage({ ok: false, text: errorMessage(e) }))
    return undefined
  }, [api])

  if (!rules) return null
  const errors = validateRules(rules)
  const update = (i: number, patch: Partial<ShippingRuleRow>) =>
    setRules(rules.map((r, n) => (n === i ? { ...r, ...patch } : r)))
  const hit = tryMethod.trim() ? previewRule(rules, tryMethod) : null

  const save = () => {
    setBusy(true)
    api
      .saveShippingRules(rules)
      .then((r) => {
        setRules(r.data.map((x) => ({ pattern: x.pattern, way_of_delivery: x.way_of_delivery })))
        setMessage({
          ok: true,
          text: __('Shipping rules saved on the hub.', 'dockhand-for-woocommerce'),
        })
      })
      .catch((e: unknown) => setMessage({ ok: false, text: errorMessage(e) }))
      .finally(() => setBusy(false))
  }

  return (
    <Card className="dockhand-rules">
      <CardHeader>
        <h2>{__('Shipping methods → warehouse way of delivery', 'dockhand-for-woocommerce')}</h2>
      </CardHeader>
      <CardBody>
        <p>
          {__(
            'Rules are tried from the top; the first match wins. * matches anything: "DHL*" matches "DHL Express".',
            'dockhand-for-woocommerce',
          )}
        </p>
        {rules.map((rule, i) => (
          <div className="dockhand-grid dockhand-rule" key={`rule-${i}`}>
            <TextControl
              label={__('Shipping method or pattern', 'dockhand-for-woocommerce')}
              value={rule.pattern}
              onChange={(v) => update(i, { pattern: v })}
              help={errors[i] ? <span className="dockhand-error">{errors[i]}</span> : undefined}
            />
            <TextControl
              label={__('Way of delivery', 'dockhand-for-woocommerce')}
              value={rule.way_of_delivery}
              onChange={(v) => update(i, { way_of_delivery: v })}
            />
            <div className="dockhand-actions">
              <Button variant="tertiary" onClick={() => setRules(moveRule(rules, i, i - 1))}>
                ↑
              </Button>
              <Button variant="tertiary" onClick={() => setRules(moveRule(rules, i, i + 1))}>
                ↓
              </Button>
              <Button
                variant="tertiary"
                isDestructive
                onClick={() => setRules(rules.filter((_, n) => n !== i))}
              >
                {__('Remove', 'dockhand-for-woocommerce')}
              </Button>
            </div>
          </div>
        ))}
        <div className="dockhand-actions">
          <Button
            variant="secondary"
            onClick={() => setRules([...rules, { pattern: '', way_of_delivery: '' }])}
          >
            {__('Add rule', 'dockhand-for-woocommerce')}
          </Button>
          <Button
            variant="primary"
            onClick={save}
            isBusy={busy}
            disabled={busy || Object.keys(errors).length > 0}
          >
            {__('Save rules', 'dockhand-for-woocommerce')}
          </Button>
        </div>
        <TextControl
          label={__('Try a shipping method', 'dockhand-for-woocommerce')}
          value={tryMethod}
          onChange={setTryMethod}
          help={
            tryMethod.trim()
              ? hit
                ? `→ ${hit.way_of_delivery} (${hit.pattern})`
                : __(
                    'No rule matches: such orders will need attention.',
                    'dockhand-for-woocommerce',
                  )
              : undefined
          }
        />
        {message && (
          <Notice
            status={message.ok ? 'success' : 'error'}
            isDismissible={false}
            className="dockhand-rules-result"
          >
            {message.text}
          </Notice>
        )}
      </CardBody>
    </Card>
  )
}

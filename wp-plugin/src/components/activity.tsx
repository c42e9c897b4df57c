/** What happens: "Sync now" with progress, the last run per process, its issues, orders needing attention. */
import { Button, Card, CardBody, CardHeader, Notice, Spinner } from '@wordpress/components'
import { useCallback, useEffect, useRef, useState } from '@wordpress/element'
import { __, _n, sprintf } from '@wordpress/i18n'
import { type Api, errorMessage } from '../api.ts'
import {
  attentionLabel,
  formatCounts,
  isFinished,
  lastRunPerProcess,
  processLabel,
  runProgress,
  statusLabel,
} from '../form.ts'
import type { AttentionOrder, Run, RunIssue } from '../types.ts'

const POLL_MS = 1500

export function Activity({ api }: { api: Api }) {
  const [runs, setRuns] = useState<Run[] | null>(null)
  const [issues, setIssues] = useState<RunIssue[]>([])
  const [orders, setOrders] = useState<AttentionOrder[] | null>(null)
  const [active, setActive] = useState<Run | null>(null)
  const [error, setError] = useState('')
  const timer = useRef<number | null>(null)

  const refresh = useCallback(() => {
    api
      .runs()
      .then((page) => {
        setRuns(page.data)
        const latest = page.data.find((r) => isFinished(r))
        if (latest)
          api
            .runIssues(latest.id)
            .then((r) => setIssues(r.data))
            .catch(() => setIssues([]))
      })
      .catch((e: unknown) => setError(errorMessage(e)))
    api
      .attention()
      .then((r) => setOrders(r.data))
      .catch((e: unknown) => setError(errorMessage(e)))
  }, [api])

  useEffect(() => {
    refresh()
    return () => {
      if (timer.current !== null) window.clearTimeout(timer.current)
    }
  }, [refresh])

  const poll = (id: string) => {
    api
      .run(id)
      .then((run) => {
        setActive(run)
        if (isFinished(run)) {
          refresh()
          return
        }
        timer.current = window.setTimeout(() => poll(id), POLL_MS)
      })
      .catch((e: unknown) => {
        setError(errorMessage(e))
        setActive(null)
      })
  }

  const syncNow = () => {
    setError('')
    api
      .syncNow()
      .then((run) => {
        const id = run.run_id ?? run.id
        setActive(run)
        poll(id)
      })
      .catch((e: unknown) => setError(errorMessage(e)))
  }

  const running = active !== null && !isFinished(active)
  const progress = active ? runProgress(active) : null

  return (
    <Card className="dockhand-activity">
      <CardHeader>
        <h2>{__('Activity', 'dockhand-for-woocommerce')}</h2>
      </CardHeader>
      <CardBody>
        <div className="dockhand-actions">
          <Button variant="primary" onClick={syncNow} isBusy={running} disabled={running}>
            {__('Sync now', 'dockhand-for-woocommerce')}
          </Button>
          <Button variant="tertiary" onClick={refresh}>
            {__('Refresh', 'dockhand-for-woocommerce')}
          </Button>
        </div>
        {active && progress && (
          <div className="dockhand-progress" data-status={active.status}>
            <progress max={1} value={progress.fraction} />
            <span>
              {sprintf(
                /* translators: 1: run id, 2: progress such as "orders 5/10" or "succeeded" */
                __('Run %1$s: %2$s', 'dockhand-for-woocommerce'),
                active.id,
                progress.label,
              )}
            </span>
            {active.error && <p className="dockhand-error">{active.error}</p>}
          </div>
        )}
        {error && (
          <Notice status="error" onRemove={() => setError('')}>
            {error}
          </Notice>
        )}
        <h3>{__('Last run per process', 'dockhand-for-woocommerce')}</h3>
        {runs === null ? (
          <Spinner />
        ) : runs.length === 0 ? (
          <p className="dockhand-no-runs">
            {__(
              'No runs yet. Press "Sync now" to run every enabled process.',
              'dockhand-for-woocommerce',
            )}
          </p>
        ) : (
          <table className="widefat striped dockhand-runs">
            <thead>
              <tr>
                <th>{__('Process', 'dockhand-for-woocommerce')}</th>
                <th>{__('Status', 'dockhand-for-woocommerce')}</th>
                <th>{__('Counts', 'dockhand-for-woocommerce')}</th>
                <th>{__('When', 'dockhand-for-woocommerce')}</th>
              </tr>
            </thead>
            <tbody>
              {lastRunPerProcess(runs).map((p) => (
                <tr key={p.process} data-process={p.process}>
                  <td>{processLabel(p.process)}</td>
                  <td>
                    {statusLabel(p.status)}
                    {p.error && <div className="dockhand-error">{p.error}</div>}
                  </td>
                  <td>{formatCounts(p.counts)}</td>
                  <td>{p.at ? new Date(p.at).toLocaleString() : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {issues.length > 0 && (
          <details className="dockhand-issues">
            <summary>
              {sprintf(
                /* translators: %d: number of problems */
                _n(
                  '%d problem in the last finished run',
                  '%d problems in the last finished run',
                  issues.length,
                  'dockhand-for-woocommerce',
                ),
                issues.length,
              )}
            </summary>
            <ul>
              {issues.slice(0, 50).map((i, n) => (
                <li key={`${i.code}-${n}`}>
                  [{processLabel(i.process)}]{' '}
                  {i.level === 'error'
                    ? __('error', 'dockhand-for-woocommerce')
                    : __('warning', 'dockhand-for-woocommerce')}
                  : {i.message}
                </li>
              ))}
            </ul>
          </details>
        )}
        <h3>{__('Orders that need attention', 'dockhand-for-woocommerce')}</h3>
        {orders === null ? (
          <Spinner />
        ) : orders.length === 0 ? (
          <p className="dockhand-no-attention">
            {__('None. Every imported order is fine.', 'dockhand-for-woocommerce')}
          </p>
        ) : (
          <table className="widefat striped dockhand-attention">
            <thead>
              <tr>
                <th>{__('Order', 'dockhand-for-woocommerce')}</th>
                <th>{__('Problem', 'dockhand-for-woocommerce')}</th>
                <th>{__('Warehouse status', 'dockhand-for-woocommerce')}</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <tr key={o.id}>
                  <td>
                    {o.edit_url ? (
                      <a href={o.edit_url} className="dockhand-order-link">
                        #{o.order_number}
                      </a>
                    ) : (
                      `#${o.order_number}`
                    )}
                  </td>
                  <td>
                    {o.attention.map((a, n) => (
                      <div key={`${a.code}-${n}`} title={a.message}>
                        {attentionLabel(a.code)}
                        {a.code === 'unmapped_shipping_method' && o.shipping_method?.name
                          ? ` ${sprintf(
                              /* translators: %s: the order's shipping method */
                              __('(“%s”)', 'dockhand-for-woocommerce'),
                              o.shipping_method.name,
                            )}`
                          : ''}
                      </div>
                    ))}
                  </td>
                  <td>{statusLabel(o.status)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </CardBody>
    </Card>
  )
}

/** Mounts the Dockhand admin UI on WooCommerce > Dockhand. */
import apiFetch from '@wordpress/api-fetch'
import domReady from '@wordpress/dom-ready'
import { createRoot, render } from '@wordpress/element'
import { createApi } from './api.ts'
import { App } from './app.tsx'
import './style.css'

domReady(() => {
  const root = document.getElementById('dockhand-root')
  if (!root) return
  const app = (
    <App api={createApi(apiFetch)} boot={window.dockhandBoot ?? { siteUrl: '', keysReturn: '' }} />
  )
  // WordPress 6.2+ ships React 18 (createRoot); 6.1 has React 17 (render).
  if (createRoot) createRoot(root).render(app)
  else render(app, root)
})

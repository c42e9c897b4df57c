#!/usr/bin/env node
// The `dockhand` command. Runs the TypeScript sources through tsx, so no build step is needed.
import { register } from 'tsx/esm/api'

register()
await import('../hub/src/cli/main.ts')

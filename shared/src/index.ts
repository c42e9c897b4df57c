export * from './platforms.ts'
export * from './settings.ts'
export * from './shipping-rules.ts'

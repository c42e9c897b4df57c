/** A small seeded generator for the proof suites' drivers (mulberry32), so a seed replays a run. */
export class SeededRng {
  private state: number
  constructor(readonly seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }
  between(min: number, max: number): number {
    return min + this.next() * (max - min)
  }
  chance(p: number): boolean {
    return this.next() < p
  }
}

/** The seed from the environment variable `name`, or a fresh one. */
export function seedFrom(name: string): number {
  const v = process.env[name]
  if (v && /^\d+$/.test(v)) return Number(v)
  return Math.floor(Math.random() * 2 ** 31)
}

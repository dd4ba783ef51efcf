import { Cell, type Value } from "./values.js";

/** One variable of a {@link Scope}. */
export interface ScopeEntry {
  readonly name: string;
  readonly cell: Cell;
  readonly constant: boolean;
}

/**
 * Variables and constants pushed by the host before a run (Rhai's `Scope`), e.g. script arguments.
 * Scripts read and assign them by name; constants cannot be assigned. After a run, new top-level
 * `let`s of the script are NOT added (this engine keeps script locals private).
 */
export class Scope {
  private readonly vars = new Map<string, ScopeEntry>();

  /** Adds (or replaces) a variable. */
  push(name: string, value: Value): this {
    this.vars.set(name, { name, cell: new Cell(value), constant: false });
    return this;
  }

  /** Adds (or replaces) a constant. */
  pushConstant(name: string, value: Value): this {
    this.vars.set(name, { name, cell: new Cell(value), constant: true });
    return this;
  }

  has(name: string): boolean {
    return this.vars.has(name);
  }

  get(name: string): Value {
    return this.vars.get(name)?.cell.v;
  }

  /** Sets a variable's value (adds a variable when absent). */
  set(name: string, value: Value): this {
    const e = this.vars.get(name);
    if (e) e.cell.v = value;
    else this.push(name, value);
    return this;
  }

  isConstant(name: string): boolean {
    return this.vars.get(name)?.constant ?? false;
  }

  names(): string[] {
    return [...this.vars.keys()];
  }

  get size(): number {
    return this.vars.size;
  }

  /** Internal: the entry for a name. */
  entry(name: string): ScopeEntry | undefined {
    return this.vars.get(name);
  }
}

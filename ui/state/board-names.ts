/** The names the user gave boards, kept in this browser (localStorage) by each board's id. */
const KEY = 'mpysync.boardNames';

export class BoardNames {
  private readonly names: Map<string, string>;

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null = browserStorage()) {
    this.names = new Map(Object.entries(readNames(storage)));
  }

  get(id: string): string | undefined {
    return this.names.get(id);
  }

  set(id: string, name: string): void {
    this.names.set(id, name);
  }

  delete(id: string): void {
    this.names.delete(id);
  }

  /** Where the browser refuses storage (a private window's quota), the names last for this visit. */
  save(): void {
    try {
      this.storage?.setItem(KEY, JSON.stringify(Object.fromEntries(this.names)));
    } catch {
      // kept in memory only
    }
  }
}

function readNames(storage: Pick<Storage, 'getItem'> | null): Record<string, string> {
  try {
    const value = JSON.parse(storage?.getItem(KEY) ?? '{}') as unknown;
    if (typeof value !== 'object' || value === null) return {};
    return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

function browserStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

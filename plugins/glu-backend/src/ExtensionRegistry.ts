/**
 * What modules registered through one extension point, by type name. Two
 * registrations of one type are a configuration mistake, reported at startup.
 */
export class ExtensionRegistry<T extends { readonly type: string }> {
  private readonly items = new Map<string, T>();
  private frozen = false;

  constructor(private readonly kind: string) {}

  add(...items: T[]) {
    if (this.frozen) {
      throw new Error(
        `Cannot add a Glu ${this.kind} after the backend has started`,
      );
    }
    for (const item of items) {
      if (this.items.has(item.type)) {
        throw new Error(
          `The Glu ${this.kind} '${item.type}' is registered twice`,
        );
      }
      this.items.set(item.type, item);
    }
  }

  freeze() {
    this.frozen = true;
  }

  get(type: string): T | undefined {
    return this.items.get(type);
  }

  all(): T[] {
    return [...this.items.values()];
  }

  types(): string[] {
    return [...this.items.keys()].sort();
  }
}

/**
 * Alipay has no store bindings library: a page's fields are one MobX reaction over a selector, and each change sets
 * only the keys that changed (one setData per change). The page drops it on hide and makes it again on show, so
 * nothing renders while hidden, and the first run after show refreshes every field.
 */
import { comparer, reaction } from 'mobx-miniprogram';

/** What the binding needs of a page instance. */
export interface DataHost {
  data: Record<string, unknown>;
  setData(data: Record<string, unknown>, callback?: () => void): void;
}

/** Binds `select()` into the page's data; returns the disposer. */
export function bindToPage(page: DataHost, select: () => Record<string, unknown>): () => void {
  return reaction(
    select,
    (next) => {
      const changed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(next)) {
        if (!comparer.structural(page.data[key], value)) changed[key] = value;
      }
      if (Object.keys(changed).length > 0) page.setData(changed);
    },
    { fireImmediately: true, equals: comparer.structural },
  );
}

/** setData that resolves once rendered. */
export function render(page: DataHost, data: Record<string, unknown>): Promise<void> {
  return new Promise((resolve) => page.setData(data, resolve));
}

/**
 * How the page fetches packages: the browser's fetch, each URL once per page. A browser may read
 * another site's files only where that site allows it (CORS): when it does not, the error says so
 * and what to do instead.
 */
import { FetchFailed, type Fetch } from '../protocol/packages/resolve.ts';

export function pageFetch(): Fetch {
  const fetched = new Map<string, Promise<Uint8Array>>();
  const once = async (url: string): Promise<Uint8Array> => {
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    } catch {
      // The browser hides why (a CORS refusal and a network failure look the same to a page).
      throw new Error(
        `this page may not fetch it: the index does not let other sites' pages read its files (CORS), or the network is down. ` +
          `Install the packages with the CLI instead: mpysync install`,
      );
    }
    if (!response.ok) throw new FetchFailed(url, response.status);
    return new Uint8Array(await response.arrayBuffer());
  };
  return (url) => {
    let pending = fetched.get(url);
    if (!pending) {
      pending = once(url);
      fetched.set(url, pending);
      // A failure is not kept: the next plan tries again.
      pending.catch(() => fetched.delete(url));
    }
    return pending;
  };
}

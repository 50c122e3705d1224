/**
 * LZ77 match finding for DEFLATE: hash chains over 3-byte prefixes plus lazy matching (a match is
 * only taken once the match starting one byte later turns out no longer), as zlib does.
 */
import { MAX_MATCH, MIN_MATCH } from './deflate-tables';

/** How hard to search, per compression level (zlib's configuration table). */
export interface MatchEffort {
  /** Once the previous match is this long, search only a quarter of the chain. */
  goodLength: number;
  /** Do not look for a better match when the previous one is at least this long. */
  maxLazy: number;
  /** Stop searching as soon as a match this long is found. */
  niceLength: number;
  /** Candidates examined per position at most. */
  maxChain: number;
}

/**
 * The matched sequence: symbol i is a literal byte when `lengths[i]` is 0 (the byte is
 * `values[i]`), otherwise a copy of `lengths[i]` bytes from `values[i]` bytes back.
 */
export interface Lz77Symbols {
  count: number;
  lengths: Uint16Array;
  values: Uint16Array;
}

const HASH_BITS = 15;
const HASH_MASK = (1 << HASH_BITS) - 1;
/** A 3-byte match further back than this rarely pays for its distance bits (zlib's TOO_FAR). */
const TOO_FAR_FOR_SHORTEST = 4096;

/**
 * Finds matches in `data`, none reaching further back than `windowSize` bytes (the decoder's
 * window: a distance may equal it, never exceed it).
 */
export function findMatches(data: Uint8Array, windowSize: number, effort: MatchEffort): Lz77Symbols {
  const n = data.length;
  const lengths = new Uint16Array(n);
  const values = new Uint16Array(n);
  let count = 0;

  const head = new Int32Array(1 << HASH_BITS).fill(-1);
  // Twice the window, so a chain link is still intact when its position is exactly a window back.
  const prevMask = 2 * windowSize - 1;
  const prev = new Int32Array(2 * windowSize);

  /** Adds position p to its hash chain; returns the previous most recent position with that hash. */
  const insert = (p: number): number => {
    if (p + MIN_MATCH > n) return -1;
    const hash = ((data[p]! << 10) ^ (data[p + 1]! << 5) ^ data[p + 2]!) & HASH_MASK;
    const previous = head[hash]!;
    prev[p & prevMask] = previous;
    head[hash] = p;
    return previous;
  };

  let matchLength = 0;
  let matchDistance = 0;
  /** Sets matchLength/matchDistance to the longest match at p longer than `atLeast`, else 0. */
  const longestMatch = (p: number, candidate: number, atLeast: number): void => {
    matchLength = 0;
    matchDistance = 0;
    const maxLength = Math.min(MAX_MATCH, n - p);
    if (maxLength <= atLeast) return;
    let best = atLeast;
    let chain = atLeast >= effort.goodLength ? effort.maxChain >> 2 : effort.maxChain;
    const oldest = p - windowSize;
    while (candidate >= oldest && candidate >= 0 && chain-- > 0) {
      if (data[candidate + best] === data[p + best] && data[candidate] === data[p] && data[candidate + 1] === data[p + 1]) {
        let length = 2;
        while (length < maxLength && data[candidate + length] === data[p + length]) length++;
        if (length > best) {
          best = length;
          matchLength = length;
          matchDistance = p - candidate;
          if (length >= effort.niceLength || length >= maxLength) return;
        }
      }
      const next = prev[candidate & prevMask]!;
      if (next >= candidate) return;
      candidate = next;
    }
  };

  let p = 0;
  let previousLength = 0;
  let previousDistance = 0;
  let literalPending = false; // data[p - 1] is not yet emitted
  while (p < n) {
    const candidate = insert(p);
    let length = 0;
    let distance = 0;
    if (candidate >= 0 && previousLength < effort.maxLazy && p - candidate <= windowSize) {
      longestMatch(p, candidate, Math.max(previousLength, MIN_MATCH - 1));
      length = matchLength;
      distance = matchDistance;
      if (length === MIN_MATCH && distance > TOO_FAR_FOR_SHORTEST) length = 0;
    }
    if (previousLength >= MIN_MATCH && length <= previousLength) {
      // The match found at p - 1 wins; p itself is already in the hash chains.
      lengths[count] = previousLength;
      values[count++] = previousDistance;
      const end = p - 1 + previousLength;
      for (let q = p + 1; q < end; q++) insert(q);
      p = end;
      previousLength = 0;
      literalPending = false;
    } else {
      if (literalPending) {
        lengths[count] = 0;
        values[count++] = data[p - 1]!;
      }
      previousLength = length;
      previousDistance = distance;
      literalPending = true;
      p++;
    }
  }
  if (literalPending) {
    lengths[count] = 0;
    values[count++] = data[n - 1]!;
  }
  return { count, lengths, values };
}

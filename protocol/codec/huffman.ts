/**
 * Length-limited Huffman codes for DEFLATE: code lengths from symbol frequencies, then the
 * canonical codes of RFC 1951 section 3.2.2.
 */

/**
 * Optimal prefix-code lengths for `frequencies`, none longer than `maxBits`. Symbols with frequency
 * 0 get length 0. The code is complete whenever two or more symbols occur (callers that need a
 * decodable tree make sure of that). Deterministic: ties are broken by symbol number.
 */
export function buildCodeLengths(frequencies: ArrayLike<number>, maxBits: number): Uint8Array {
  const lengths = new Uint8Array(frequencies.length);
  const used: number[] = [];
  for (let symbol = 0; symbol < frequencies.length; symbol++) if (frequencies[symbol]! > 0) used.push(symbol);
  if (used.length === 0) return lengths;
  if (used.length === 1) {
    lengths[used[0]!] = 1;
    return lengths;
  }
  used.sort((a, b) => frequencies[a]! - frequencies[b]! || a - b);

  const depths = huffmanDepths(used.map((symbol) => frequencies[symbol]!));
  const countPerLength = limitLengths(depths, maxBits);

  // Least frequent symbols take the longest codes; this keeps the cost optimal for the counts.
  let next = 0;
  for (let bits = maxBits; bits >= 1; bits--) {
    for (let k = 0; k < countPerLength[bits]!; k++) lengths[used[next++]!] = bits;
  }
  return lengths;
}

/**
 * Codes for `lengths`, bit-reversed so they can be written least significant bit first.
 */
export function canonicalCodes(lengths: Uint8Array): Uint16Array {
  const maxBits = lengths.reduce((max, bits) => Math.max(max, bits), 0);
  const countPerLength = new Uint16Array(maxBits + 1);
  for (const bits of lengths) countPerLength[bits]++;
  countPerLength[0] = 0;
  const nextCode = new Uint16Array(maxBits + 2);
  let code = 0;
  for (let bits = 1; bits <= maxBits; bits++) {
    code = (code + countPerLength[bits - 1]!) << 1;
    nextCode[bits] = code;
  }
  const codes = new Uint16Array(lengths.length);
  for (let symbol = 0; symbol < lengths.length; symbol++) {
    const bits = lengths[symbol]!;
    if (bits > 0) codes[symbol] = reverseBits(nextCode[bits]++, bits);
  }
  return codes;
}

function reverseBits(value: number, count: number): number {
  let reversed = 0;
  for (let i = 0; i < count; i++) {
    reversed = (reversed << 1) | (value & 1);
    value >>= 1;
  }
  return reversed;
}

/**
 * Depth of each leaf in a Huffman tree over `weights` (sorted ascending), built with the two-queue
 * method: leaves in order, then internal nodes in the order they are made (their weights never
 * decrease).
 */
function huffmanDepths(weights: number[]): Uint8Array {
  const leafCount = weights.length;
  const nodeWeight = new Float64Array(2 * leafCount - 1);
  const parent = new Int32Array(2 * leafCount - 1);
  nodeWeight.set(weights);
  let nextLeaf = 0;
  let nextInternal = leafCount;
  let made = leafCount;
  const takeSmallest = (): number => {
    if (nextLeaf < leafCount && (nextInternal >= made || nodeWeight[nextLeaf]! <= nodeWeight[nextInternal]!)) {
      return nextLeaf++;
    }
    return nextInternal++;
  };
  while (made < 2 * leafCount - 1) {
    const a = takeSmallest();
    const b = takeSmallest();
    nodeWeight[made] = nodeWeight[a]! + nodeWeight[b]!;
    parent[a] = made;
    parent[b] = made;
    made++;
  }
  // A parent is always made after its children, so walking down from the root fills every depth.
  const depth = new Uint16Array(2 * leafCount - 1);
  for (let node = 2 * leafCount - 3; node >= 0; node--) depth[node] = depth[parent[node]!]! + 1;
  const leafDepths = new Uint8Array(leafCount);
  for (let leaf = 0; leaf < leafCount; leaf++) leafDepths[leaf] = Math.min(depth[leaf]!, 255);
  return leafDepths;
}

/**
 * How many codes of each length, after forcing every length ≤ maxBits while keeping the code
 * complete (Kraft sum exactly 1): overlong codes are cut to maxBits, then for each unit of excess
 * one maxBits code is dropped and a shorter code is split in two one bit longer (the method
 * miniz uses).
 */
function limitLengths(depths: Uint8Array, maxBits: number): Uint16Array {
  const countPerLength = new Uint16Array(Math.max(maxBits, 1) + 1);
  for (const depth of depths) countPerLength[Math.min(depth, maxBits)]++;
  let kraft = 0; // in units of 2^-maxBits
  for (let bits = maxBits; bits >= 1; bits--) kraft += countPerLength[bits]! * 2 ** (maxBits - bits);
  const full = 2 ** maxBits;
  while (kraft > full) {
    countPerLength[maxBits]--;
    for (let bits = maxBits - 1; bits >= 1; bits--) {
      if (countPerLength[bits]! > 0) {
        countPerLength[bits]--;
        countPerLength[bits + 1] += 2;
        break;
      }
    }
    kraft--;
  }
  return countPerLength;
}

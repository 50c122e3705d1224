/** The fixed tables of RFC 1951 section 3.2.5: length and distance codes with their extra bits. */

export const MIN_MATCH = 3;
export const MAX_MATCH = 258;
export const MAX_DISTANCE = 32768;
export const END_OF_BLOCK = 256;
/** Literal/length alphabet size (0..285) and distance alphabet size (0..29). */
export const LITLEN_SYMBOLS = 286;
export const DISTANCE_SYMBOLS = 30;

const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
];
export const LENGTH_EXTRA_BITS = new Uint8Array([
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
]);
const DISTANCE_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
  6145, 8193, 12289, 16385, 24577,
];
export const DISTANCE_EXTRA_BITS = new Uint8Array([
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
]);

/** Match length (3..258) → index of its length code (0..28); the symbol is 257 + index. */
export const LENGTH_CODE_INDEX = new Uint8Array(MAX_MATCH + 1);
/** Match length → the value of its extra bits. */
export const LENGTH_EXTRA_VALUE = new Uint8Array(MAX_MATCH + 1);
/** Distance (1..32768) → distance code (0..29). */
export const DISTANCE_CODE = new Uint8Array(MAX_DISTANCE + 1);
/** Distance → the value of its extra bits. */
export const DISTANCE_EXTRA_VALUE = new Uint16Array(MAX_DISTANCE + 1);

for (let code = 0; code < LENGTH_BASE.length; code++) {
  const base = LENGTH_BASE[code]!;
  // Length 258 has its own code (28) although code 27 with 5 extra bits could also reach it.
  const end = code === 27 ? 258 : base + (1 << LENGTH_EXTRA_BITS[code]!);
  for (let length = base; length < end && length <= MAX_MATCH; length++) {
    LENGTH_CODE_INDEX[length] = code;
    LENGTH_EXTRA_VALUE[length] = length - base;
  }
}
for (let code = 0; code < DISTANCE_BASE.length; code++) {
  const base = DISTANCE_BASE[code]!;
  for (let distance = base; distance < base + (1 << DISTANCE_EXTRA_BITS[code]!); distance++) {
    DISTANCE_CODE[distance] = code;
    DISTANCE_EXTRA_VALUE[distance] = distance - base;
  }
}

/** Code lengths of the fixed Huffman code (block type 1). */
export const FIXED_LITLEN_LENGTHS = new Uint8Array(288).map((_, symbol) =>
  symbol < 144 ? 8 : symbol < 256 ? 9 : symbol < 280 ? 7 : 8,
);
export const FIXED_DISTANCE_LENGTHS = new Uint8Array(30).fill(5);

/** The order in which a dynamic block header lists the code-length code's lengths. */
export const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

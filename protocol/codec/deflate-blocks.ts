/**
 * Writes LZ77 symbols as DEFLATE blocks, each in whichever form is smallest: dynamic Huffman,
 * fixed Huffman, or stored.
 */
import { BitWriter } from './bit-writer';
import {
  CODE_LENGTH_ORDER,
  DISTANCE_CODE,
  DISTANCE_EXTRA_BITS,
  DISTANCE_EXTRA_VALUE,
  DISTANCE_SYMBOLS,
  END_OF_BLOCK,
  FIXED_DISTANCE_LENGTHS,
  FIXED_LITLEN_LENGTHS,
  LENGTH_CODE_INDEX,
  LENGTH_EXTRA_BITS,
  LENGTH_EXTRA_VALUE,
  LITLEN_SYMBOLS,
} from './deflate-tables';
import { buildCodeLengths, canonicalCodes } from './huffman';
import type { Lz77Symbols } from './lz77';

/** Symbols per block (zlib's buffer size at its default memLevel): trees adapt at this pace. */
const SYMBOLS_PER_BLOCK = 16384;
const MAX_STORED_LENGTH = 65535;
const MAX_CODE_BITS = 15;
const MAX_CODE_LENGTH_CODE_BITS = 7;

const FIXED_LITLEN_CODES = canonicalCodes(FIXED_LITLEN_LENGTHS);
const FIXED_DISTANCE_CODES = canonicalCodes(FIXED_DISTANCE_LENGTHS);

/** Writes every symbol of `symbols` (which encode `data`) as blocks; the last one is final. */
export function writeBlocks(writer: BitWriter, data: Uint8Array, symbols: Lz77Symbols): void {
  let symbol = 0;
  let byteOffset = 0;
  do {
    const end = Math.min(symbol + SYMBOLS_PER_BLOCK, symbols.count);
    let byteEnd = byteOffset;
    for (let i = symbol; i < end; i++) byteEnd += symbols.lengths[i] || 1;
    const final = end === symbols.count;
    writeBlock(writer, data.subarray(byteOffset, byteEnd), symbols, symbol, end, final);
    symbol = end;
    byteOffset = byteEnd;
  } while (symbol < symbols.count);
}

/** Writes `bytes` as stored blocks only (compression level 0). */
export function writeStoredBlocks(writer: BitWriter, bytes: Uint8Array): void {
  writeStored(writer, bytes, true);
}

function writeBlock(
  writer: BitWriter,
  bytes: Uint8Array,
  symbols: Lz77Symbols,
  start: number,
  end: number,
  final: boolean,
): void {
  const litlenFrequencies = new Uint32Array(LITLEN_SYMBOLS);
  const distanceFrequencies = new Uint32Array(DISTANCE_SYMBOLS);
  for (let i = start; i < end; i++) {
    const length = symbols.lengths[i]!;
    if (length === 0) {
      litlenFrequencies[symbols.values[i]!]++;
    } else {
      litlenFrequencies[257 + LENGTH_CODE_INDEX[length]!]++;
      distanceFrequencies[DISTANCE_CODE[symbols.values[i]!]!]++;
    }
  }
  litlenFrequencies[END_OF_BLOCK]++;

  const extraBits = countExtraBits(litlenFrequencies, distanceFrequencies);
  const dynamic = planDynamicBlock(litlenFrequencies, distanceFrequencies);
  const dynamicBits =
    3 + dynamic.headerBits + weightedBits(litlenFrequencies, dynamic.litlenLengths) +
    weightedBits(distanceFrequencies, dynamic.distanceLengths) + extraBits;
  const fixedBits =
    3 + weightedBits(litlenFrequencies, FIXED_LITLEN_LENGTHS) +
    weightedBits(distanceFrequencies, FIXED_DISTANCE_LENGTHS) + extraBits;
  const storedBits = storedBlockBits(writer.bitLength, bytes.length);

  if (storedBits < fixedBits && storedBits < dynamicBits) {
    writeStored(writer, bytes, final);
  } else if (fixedBits <= dynamicBits) {
    writer.writeBits(final ? 1 : 0, 1);
    writer.writeBits(1, 2);
    writeSymbols(writer, symbols, start, end, FIXED_LITLEN_LENGTHS, FIXED_LITLEN_CODES, FIXED_DISTANCE_LENGTHS, FIXED_DISTANCE_CODES);
  } else {
    writer.writeBits(final ? 1 : 0, 1);
    writer.writeBits(2, 2);
    writeDynamicHeader(writer, dynamic);
    writeSymbols(
      writer,
      symbols,
      start,
      end,
      dynamic.litlenLengths,
      canonicalCodes(dynamic.litlenLengths),
      dynamic.distanceLengths,
      canonicalCodes(dynamic.distanceLengths),
    );
  }
}

function writeSymbols(
  writer: BitWriter,
  symbols: Lz77Symbols,
  start: number,
  end: number,
  litlenLengths: Uint8Array,
  litlenCodes: Uint16Array,
  distanceLengths: Uint8Array,
  distanceCodes: Uint16Array,
): void {
  const { lengths, values } = symbols;
  for (let i = start; i < end; i++) {
    const length = lengths[i]!;
    const value = values[i]!;
    if (length === 0) {
      writer.writeBits(litlenCodes[value]!, litlenLengths[value]!);
      continue;
    }
    const lengthCode = LENGTH_CODE_INDEX[length]!;
    writer.writeBits(litlenCodes[257 + lengthCode]!, litlenLengths[257 + lengthCode]!);
    if (LENGTH_EXTRA_BITS[lengthCode]! > 0) writer.writeBits(LENGTH_EXTRA_VALUE[length]!, LENGTH_EXTRA_BITS[lengthCode]!);
    const distanceCode = DISTANCE_CODE[value]!;
    writer.writeBits(distanceCodes[distanceCode]!, distanceLengths[distanceCode]!);
    if (DISTANCE_EXTRA_BITS[distanceCode]! > 0) {
      writer.writeBits(DISTANCE_EXTRA_VALUE[value]!, DISTANCE_EXTRA_BITS[distanceCode]!);
    }
  }
  writer.writeBits(litlenCodes[END_OF_BLOCK]!, litlenLengths[END_OF_BLOCK]!);
}

function writeStored(writer: BitWriter, bytes: Uint8Array, final: boolean): void {
  let offset = 0;
  do {
    const length = Math.min(MAX_STORED_LENGTH, bytes.length - offset);
    const last = offset + length === bytes.length;
    writer.writeBits(final && last ? 1 : 0, 1);
    writer.writeBits(0, 2);
    writer.alignToByte();
    writer.writeBits(length, 16);
    writer.writeBits(~length & 0xffff, 16);
    writer.writeBytes(bytes.subarray(offset, offset + length));
    offset += length;
  } while (offset < bytes.length);
}

/** Exact size of `length` bytes as stored blocks when the stream is at bit `bitPosition`. */
function storedBlockBits(bitPosition: number, length: number): number {
  const chunks = Math.max(1, Math.ceil(length / MAX_STORED_LENGTH));
  const firstHeaderEnd = bitPosition + 3;
  const alignedStart = Math.ceil(firstHeaderEnd / 8) * 8;
  // Every later chunk starts byte-aligned, so its 3 header bits cost a whole byte.
  return alignedStart - bitPosition + 32 + (chunks - 1) * (8 + 32) + 8 * length;
}

interface DynamicPlan {
  litlenLengths: Uint8Array;
  distanceLengths: Uint8Array;
  litlenCount: number;
  distanceCount: number;
  /** Run-length coded code lengths: symbols 0..18 and the value of their extra bits. */
  codeLengthSymbols: number[];
  codeLengthExtra: number[];
  codeLengthLengths: Uint8Array;
  codeLengthCount: number;
  headerBits: number;
}

function planDynamicBlock(litlenFrequencies: Uint32Array, distanceFrequencies: Uint32Array): DynamicPlan {
  const litlenLengths = buildCodeLengths(withAtLeastTwoSymbols(litlenFrequencies), MAX_CODE_BITS);
  const distanceLengths = buildCodeLengths(withAtLeastTwoSymbols(distanceFrequencies), MAX_CODE_BITS);
  const litlenCount = Math.max(257, lastNonZero(litlenLengths) + 1);
  const distanceCount = Math.max(1, lastNonZero(distanceLengths) + 1);

  const codeLengthSymbols: number[] = [];
  const codeLengthExtra: number[] = [];
  // The two runs are coded separately (as zlib does), so no repeat crosses from one to the other.
  runLengthCode(litlenLengths.subarray(0, litlenCount), codeLengthSymbols, codeLengthExtra);
  runLengthCode(distanceLengths.subarray(0, distanceCount), codeLengthSymbols, codeLengthExtra);

  const codeLengthFrequencies = new Uint32Array(19);
  for (const symbol of codeLengthSymbols) codeLengthFrequencies[symbol]++;
  const codeLengthLengths = buildCodeLengths(withAtLeastTwoSymbols(codeLengthFrequencies), MAX_CODE_LENGTH_CODE_BITS);
  let codeLengthCount = 19;
  while (codeLengthCount > 4 && codeLengthLengths[CODE_LENGTH_ORDER[codeLengthCount - 1]!] === 0) codeLengthCount--;

  let headerBits = 5 + 5 + 4 + 3 * codeLengthCount;
  for (const symbol of codeLengthSymbols) headerBits += codeLengthLengths[symbol]! + REPEAT_EXTRA_BITS[symbol]!;
  return {
    litlenLengths,
    distanceLengths,
    litlenCount,
    distanceCount,
    codeLengthSymbols,
    codeLengthExtra,
    codeLengthLengths,
    codeLengthCount,
    headerBits,
  };
}

function writeDynamicHeader(writer: BitWriter, plan: DynamicPlan): void {
  writer.writeBits(plan.litlenCount - 257, 5);
  writer.writeBits(plan.distanceCount - 1, 5);
  writer.writeBits(plan.codeLengthCount - 4, 4);
  for (let i = 0; i < plan.codeLengthCount; i++) writer.writeBits(plan.codeLengthLengths[CODE_LENGTH_ORDER[i]!]!, 3);
  const codes = canonicalCodes(plan.codeLengthLengths);
  for (let i = 0; i < plan.codeLengthSymbols.length; i++) {
    const symbol = plan.codeLengthSymbols[i]!;
    writer.writeBits(codes[symbol]!, plan.codeLengthLengths[symbol]!);
    if (REPEAT_EXTRA_BITS[symbol]! > 0) writer.writeBits(plan.codeLengthExtra[i]!, REPEAT_EXTRA_BITS[symbol]!);
  }
}

/** Extra bits after code-length symbols 16 (repeat previous 3..6), 17 (zeros 3..10), 18 (zeros 11..138). */
const REPEAT_EXTRA_BITS = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7];

function runLengthCode(lengths: Uint8Array, symbols: number[], extra: number[]): void {
  const push = (symbol: number, value = 0): void => {
    symbols.push(symbol);
    extra.push(value);
  };
  let i = 0;
  while (i < lengths.length) {
    const length = lengths[i]!;
    let run = 1;
    while (i + run < lengths.length && lengths[i + run] === length) run++;
    i += run;
    if (length === 0) {
      while (run >= 11) {
        const take = Math.min(run, 138);
        push(18, take - 11);
        run -= take;
      }
      if (run >= 3) {
        push(17, run - 3);
        run = 0;
      }
    } else {
      push(length);
      run--;
      while (run >= 3) {
        const take = Math.min(run, 6);
        push(16, take - 3);
        run -= take;
      }
    }
    for (; run > 0; run--) push(length);
  }
}

/**
 * A copy of `frequencies` in which at least two symbols occur, so the code built from it is
 * complete; small decoders (zlib, uzlib on the board) expect that, even for a distance code
 * that is never used.
 */
function withAtLeastTwoSymbols(frequencies: Uint32Array): Uint32Array {
  let used = 0;
  for (const frequency of frequencies) if (frequency > 0) used++;
  if (used >= 2) return frequencies;
  const padded = frequencies.slice();
  for (let symbol = 0; symbol < padded.length && used < 2; symbol++) {
    if (padded[symbol] === 0) {
      padded[symbol] = 1;
      used++;
    }
  }
  return padded;
}

function countExtraBits(litlenFrequencies: Uint32Array, distanceFrequencies: Uint32Array): number {
  let bits = 0;
  for (let code = 0; code < 29; code++) bits += litlenFrequencies[257 + code]! * LENGTH_EXTRA_BITS[code]!;
  for (let code = 0; code < DISTANCE_SYMBOLS; code++) bits += distanceFrequencies[code]! * DISTANCE_EXTRA_BITS[code]!;
  return bits;
}

function weightedBits(frequencies: Uint32Array, lengths: Uint8Array): number {
  let bits = 0;
  for (let symbol = 0; symbol < frequencies.length; symbol++) bits += frequencies[symbol]! * lengths[symbol]!;
  return bits;
}

function lastNonZero(values: Uint8Array): number {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== 0) return i;
  return -1;
}

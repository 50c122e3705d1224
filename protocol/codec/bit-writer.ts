/** Writes a DEFLATE bit stream: bits fill each byte from its least significant bit up. */
export class BitWriter {
  private buffer: Uint8Array;
  private length = 0;
  private pending = 0;
  private pendingBits = 0;

  constructor(initialCapacity = 1024) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity));
  }

  /** Bits written so far, including the ones not yet completing a byte. */
  get bitLength(): number {
    return this.length * 8 + this.pendingBits;
  }

  /** Writes the low `count` bits of `value` (count ≤ 16), least significant first. */
  writeBits(value: number, count: number): void {
    this.pending |= value << this.pendingBits;
    this.pendingBits += count;
    while (this.pendingBits >= 8) {
      this.pushByte(this.pending & 0xff);
      this.pending >>>= 8;
      this.pendingBits -= 8;
    }
  }

  /** Pads with zero bits up to the next byte boundary. */
  alignToByte(): void {
    if (this.pendingBits > 0) this.writeBits(0, 8 - this.pendingBits);
  }

  /** Copies whole bytes; the stream must be byte-aligned. */
  writeBytes(bytes: Uint8Array): void {
    this.ensureCapacity(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** The stream so far, padded to a whole byte. */
  finish(): Uint8Array {
    this.alignToByte();
    return this.buffer.slice(0, this.length);
  }

  private pushByte(byte: number): void {
    if (this.length === this.buffer.length) this.ensureCapacity(1);
    this.buffer[this.length++] = byte;
  }

  private ensureCapacity(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}

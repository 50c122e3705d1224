/**
 * MicroPython's variable-length unsigned int (`read_uint` in py/persistentcode.c): big-endian
 * groups of 7 bits, the top bit of each byte says "more follows". Returns null when the bytes end
 * before the last group.
 */
export function readVuint(bytes: Uint8Array, offset: number): { value: number; length: number } | null {
  let value = 0;
  for (let i = offset; i < bytes.length; i++) {
    const b = bytes[i]!;
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) return { value, length: i - offset + 1 };
  }
  return null;
}

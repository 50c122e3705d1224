/** A virtual board's id: 8 random bytes in hex, as long as an RP2040's `machine.unique_id()` (browser and Node). */
export function newBoardId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

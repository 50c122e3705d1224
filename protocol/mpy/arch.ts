/** MicroPython's `MP_NATIVE_ARCH_*` enum (`py/persistentcode.h`; rv32imc from 1.24, rv64imc from 1.27). */
export type ArchName =
  | 'none'
  | 'x86'
  | 'x64'
  | 'armv6'
  | 'armv6m'
  | 'armv7m'
  | 'armv7em'
  | 'armv7emsp'
  | 'armv7emdp'
  | 'xtensa'
  | 'xtensawin'
  | 'rv32imc'
  | 'rv64imc'
  | 'debug'
  | `unknown(${number})`;

const ARCH_NAMES: readonly ArchName[] = [
  'none',
  'x86',
  'x64',
  'armv6',
  'armv6m',
  'armv7m',
  'armv7em',
  'armv7emsp',
  'armv7emdp',
  'xtensa',
  'xtensawin',
  'rv32imc',
  'rv64imc',
  'debug',
];

export const ARCH = {
  NONE: 0,
  X86: 1,
  X64: 2,
  ARMV6: 3,
  ARMV6M: 4,
  ARMV7M: 5,
  ARMV7EM: 6,
  ARMV7EMSP: 7,
  ARMV7EMDP: 8,
  XTENSA: 9,
  XTENSAWIN: 10,
  RV32IMC: 11,
} as const;

export function archName(arch: number): ArchName {
  return ARCH_NAMES[arch] ?? `unknown(${arch})`;
}

/** Thumb boards share one emitter family; their loader accepts armv6m up to their own arch. */
export function isThumbArch(arch: number): boolean {
  return arch >= ARCH.ARMV6M && arch <= ARCH.ARMV7EMDP;
}

/**
 * `MPY_FEATURE_ARCH_TEST(fileArch)` on a board whose own arch is `boardArch`.
 * `thumbRange` is false only for the .mpy 4 loader (1.11), which compared archs exactly.
 */
export function boardAcceptsArch(boardArch: number, fileArch: number, thumbRange = true): boolean {
  if (thumbRange && isThumbArch(boardArch)) return fileArch >= ARCH.ARMV6M && fileArch <= boardArch;
  return fileArch === boardArch;
}

/** The archs a board accepts, for explanations: "armv6m", "armv6m…armv7emsp". */
export function acceptedArchRange(boardArch: number): string {
  if (isThumbArch(boardArch) && boardArch > ARCH.ARMV6M) return `armv6m…${archName(boardArch)}`;
  return archName(boardArch);
}

/** Names of the RV32 extension bits of the arch-flags vuint (`py/asmrv32.h`). */
const RV32_EXTENSIONS = ['zba', 'zcmp'] as const;

export function rv32ExtensionNames(flags: number): string {
  const names: string[] = [];
  for (let bit = 0; bit < 31; bit++) {
    if ((flags >>> bit) & 1) names.push(RV32_EXTENSIONS[bit] ?? `bit ${bit}`);
  }
  return names.length ? names.join('+') : 'none';
}

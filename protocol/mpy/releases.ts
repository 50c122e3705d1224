/** Which MicroPython releases emit and load each .mpy version (docs/reference/mpyfiles.rst). */

export function releasesForMpy(version: number, subVersion: number | null): string {
  switch (version) {
    case 0:
      return '1.5.1–1.8.7';
    case 1:
      return 'no release (development builds of 1.8)';
    case 2:
      return '1.9–1.9.2';
    case 3:
      return '1.9.3–1.10';
    case 4:
      return '1.11';
    case 5:
      return '1.12–1.18';
    case 6:
      switch (subVersion ?? 0) {
        case 0:
          return '1.19';
        case 1:
          return '1.20–1.21';
        case 2:
          return '1.22';
        default:
          return '1.23 and later';
      }
    default:
      return 'no MicroPython release so far';
  }
}

/** The oldest release of an .mpy version, for "mpy-cross from MicroPython X" advice. */
export function mpyCrossReleaseFor(version: number, subVersion: number | null): string {
  const releases = releasesForMpy(version, subVersion);
  if (version === 6 && (subVersion ?? 0) >= 3) return '1.23 or later';
  return releases.replace('–', ' to ');
}

/** "6.3"; "6" for sub-version 0 (1.19 and all bytecode) and for versions without a sub-version. */
export function mpyVersionLabel(version: number, subVersion: number | null): string {
  return subVersion ? `${version}.${subVersion}` : String(version);
}

export interface ReleaseVersion {
  major: number;
  minor: number;
  micro: number;
}

/** Parses "1.27.0", "v1.9.2", "1.22" (never throws; null when it is not a version). */
export function parseRelease(text: string | undefined): ReleaseVersion | null {
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec((text ?? '').trim());
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]), micro: Number(match[3] ?? 0) };
}

export function compareRelease(a: ReleaseVersion, b: ReleaseVersion): number {
  return a.major - b.major || a.minor - b.minor || a.micro - b.micro;
}

export function releaseAtLeast(version: ReleaseVersion, major: number, minor: number, micro = 0): boolean {
  return compareRelease(version, { major, minor, micro }) >= 0;
}

/**
 * The .mpy version a firmware older than 1.12 (which has no `_mpy`) was built to load.
 * null for 1.12 and later, and for releases older than 1.9 (not decoded here).
 */
export function eraMpyVersion(release: ReleaseVersion): number | null {
  if (releaseAtLeast(release, 1, 12)) return null;
  if (releaseAtLeast(release, 1, 11)) return 4;
  if (releaseAtLeast(release, 1, 9, 3)) return 3;
  if (releaseAtLeast(release, 1, 9)) return 2;
  return null;
}

/** Run directories: `runs/<YYYYMMDD-HHMMSS>-<name>/`, unique even for runs started in the same second. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** Longest sanitized name in UTF-8 bytes: with the timestamp and a `-N` suffix, a run id stays far under 255 bytes (ext4, APFS, NTFS) and 143 (eCryptfs). */
export const NAME_MAX_BYTES = 100;

/**
 * What becomes `_`: anything but letters, combining marks, digits, `.`, `_` and
 * `-` (so `/`, `\`, `:`, spaces, control and format characters, emoji); runs of
 * two or more dots (never `..`); invisible "letters" (Hangul fillers and other
 * default-ignorable code points); and a combining mark with no letter or digit
 * before it. A run of these becomes a single `_`.
 */
const UNSAFE = /(?:[^\p{L}\p{M}\p{N}._-]|\p{Default_Ignorable_Code_Point}|\.{2,}|(?<![\p{L}\p{M}\p{N}])\p{M})+/gu;

/** Names Windows reserves for devices, with or without an extension (`con.txt`), in any case; ¹²³ count as digits there. */
const WINDOWS_RESERVED = /^(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?=\.|$)/iu;

/** The longest prefix of `text` of at most `max` UTF-8 bytes that cuts no character (grapheme cluster). */
function cutToBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let out = '';
  let bytes = 0;
  for (const { segment } of new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(text)) {
    bytes += Buffer.byteLength(segment);
    if (bytes > max) break;
    out += segment;
  }
  return out;
}

/**
 * A name safe as one path component on Linux, macOS and Windows that keeps
 * readable letters of any script (`実験-1`, `πείραμα`): NFC-normalised; Unicode
 * letters and digits (with their combining marks), `.`, `_` and `-` kept,
 * everything else (see UNSAFE) replaced by `_`; no leading `.` or `_` (so
 * never `..` or a hidden folder); no trailing dot; a Windows device name
 * (`CON`, `nul.txt`) gets a `_`; at most NAME_MAX_BYTES UTF-8 bytes, cut
 * between characters; `run` if nothing is left.
 */
export function sanitizeName(name: string): string {
  let cleaned = name.normalize('NFC').replace(UNSAFE, '_').replace(/^[._]+/, '');
  cleaned = cleaned.replace(WINDOWS_RESERVED, '$&_');
  cleaned = cutToBytes(cleaned, NAME_MAX_BYTES).replace(/\.+$/, '');
  return cleaned === '' ? 'run' : cleaned;
}

/** `YYYYMMDD-HHMMSS` in UTC. */
export function runTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * Creates a new, empty run directory under `runsDir`. When the name is taken
 * (two runs in the same second), `-2`, `-3`, ... is appended; mkdir without
 * `recursive` fails on an existing folder, so two processes never share one.
 * @returns the run id (the folder name) and its path.
 */
export function createRunDir(runsDir: string, name: string, now: Date = new Date()): { id: string; dir: string } {
  mkdirSync(runsDir, { recursive: true });
  const base = `${runTimestamp(now)}-${sanitizeName(name)}`;
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    const dir = join(runsDir, id);
    try {
      mkdirSync(dir);
      return { id, dir };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

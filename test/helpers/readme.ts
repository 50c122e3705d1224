/** The README's code blocks, so that tests can run its examples as written. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** The fenced blocks of language `lang` in the README section headed `## heading`, in order. */
export function readmeBlocks(heading: string, lang: string): string[] {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "## ${heading}"`);
  const end = text.indexOf('\n## ', start + 1);
  const section = text.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

/** The `npx mpysync …` commands of a shell block, one per command (`a ; b` is two), comments dropped, split into words. */
export function mpysyncCommands(block: string): string[][] {
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#\s.*$/, '').trim())
    .flatMap((line) => line.split(/\s+;\s+/))
    .filter((command) => command.startsWith('npx mpysync '))
    .map((command) => shellWords(command.slice('npx mpysync '.length)));
}

/** Words of a command line with '…' quoting (all the README uses). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

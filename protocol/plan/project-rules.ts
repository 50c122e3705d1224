/** The file at the top of a project that lists what to leave out, in gitignore syntax. */
export const IGNORE_FILE = '.mpysyncignore';

/** Never sent, whatever the ignore file says: version control, caches, editor litter, the ignore file. */
export const ALWAYS_IGNORED: readonly string[] = [
  '.git/',
  '.hg/',
  '.svn/',
  'node_modules/',
  '__pycache__/',
  '*.pyc',
  '.DS_Store',
  'Thumbs.db',
  IGNORE_FILE,
  '.vscode/',
  '.idea/',
];

/** Every file / action succeeded. */
export const EXIT_OK = 0;
/** Some file was refused or failed (the others went through). */
export const EXIT_SOME_FAILED = 1;
/** Bad command line, or the board / port could not be reached. */
export const EXIT_USAGE = 2;

import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Why audience files cannot be written in `directory`, or undefined when they can: it is a
 * folder the server may write in, or, not there yet, the folder it would be created in is. Looks
 * only: nothing is created or written (a destination's test).
 */
export async function folderProblem(directory: string): Promise<string | undefined> {
  let folder = directory;
  for (;;) {
    try {
      if (!(await stat(folder)).isDirectory()) return `${folder} is not a folder`;
      await access(folder, constants.W_OK | constants.X_OK);
      return undefined;
    } catch (error) {
      const code = (error as { code?: string }).code;
      // Not there yet (or under a file): the first folder that is there decides.
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(folder) !== folder) {
        folder = dirname(folder);
        continue;
      }
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
        return `The server may not write in ${folder}`;
      return error instanceof Error ? error.message : String(error);
    }
  }
}

import { MpysyncError } from '../../protocol/errors.ts';
import { openBoard, type OpenedBoard } from '../connect.ts';
import { EXIT_USAGE } from './exit-codes.ts';

/** Opens the board, runs `body`, and always closes it; connection failures exit with code 2. */
export async function withBoard<T>(port: string, body: (board: OpenedBoard) => Promise<T>): Promise<T> {
  let board: OpenedBoard;
  try {
    board = await openBoard(port, { notice: (m) => process.stderr.write(`mpysync: ${m}\n`) });
  } catch (error) {
    if (error instanceof MpysyncError) Object.assign(error, { exitCode: EXIT_USAGE });
    throw error;
  }
  try {
    return await body(board);
  } finally {
    await board.close();
  }
}

/**
 * An error raised inside a container's child, with the child's dotted path (`branch.fc1`, as in params()) before
 * its own message: "branch.fc1: Linear(800, 100): expected input [N, 800], got [4, 4608]".
 */
export class ModuleError extends Error {
  constructor(
    readonly path: string[],
    readonly detail: string,
    cause?: unknown,
  ) {
    super(`${path.join('.')}: ${detail}`, cause === undefined ? undefined : { cause });
    this.name = 'ModuleError';
  }
}

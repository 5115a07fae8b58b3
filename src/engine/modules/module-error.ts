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

/** Runs a child's pass, prefixing the child's name to any error it throws. */
export function inChild<T>(name: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ModuleError) throw new ModuleError([name, ...e.path], e.detail, e.cause);
    if (e instanceof Error) throw new ModuleError([name], e.message, e);
    throw e;
  }
}

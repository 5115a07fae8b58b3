/**
 * The one error type of the data layer: bad files, bad sizes, impossible requests. Its message names the file
 * or the number and the problem, so the CLI can print it as is.
 */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

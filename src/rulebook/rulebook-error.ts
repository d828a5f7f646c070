/** One problem in a rulebook, located so an admin can go straight to it. */
export interface RulebookIssue {
  /** `fit.rules[2].points` */
  path: string;
  /** 1-based; null when the problem is not tied to a place in the text. */
  line: number | null;
  column: number | null;
  message: string;
}

export class RulebookValidationError extends Error {
  readonly code = 'RULEBOOK_INVALID';

  constructor(
    readonly source: string,
    readonly issues: RulebookIssue[],
  ) {
    super(`${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n${issues.map((issue) => formatIssue(source, issue)).join('\n')}`);
    this.name = 'RulebookValidationError';
  }
}

export function formatIssue(source: string, issue: RulebookIssue): string {
  const where = issue.line === null ? source : `${source}:${issue.line}:${issue.column ?? 1}`;
  return `  ${where} ${issue.path}: ${issue.message}`;
}

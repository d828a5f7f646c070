/**
 * Problems the connector found for its installation (InstallationProblem, src/connector), held
 * until the job that made the call takes them (`takeProblems()`) and records them. One entry per
 * key: a problem reported again before it was taken keeps its latest wording.
 */
import type { InstallationProblem } from '../../src/connector/crm-connector';

export class ProblemLog {
  private readonly pending = new Map<string, InstallationProblem>();

  report(problem: InstallationProblem): void {
    this.pending.set(problem.key, problem);
  }

  take(): InstallationProblem[] {
    const out = [...this.pending.values()];
    this.pending.clear();
    return out;
  }
}

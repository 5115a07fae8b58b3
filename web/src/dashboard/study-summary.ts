/** One study as /api/studies describes it (shared by the study list and the comparison view). */
export interface StudySummary {
  id: string;
  name: string;
  description: string;
  runsDone: number;
  runsPlanned: number | null;
  groups: { group: string; runs: number }[];
  problems: string[];
  live: { inFlight: number; lastEvent: string | null };
}

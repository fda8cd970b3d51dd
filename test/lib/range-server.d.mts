// Types of range-server.mjs for the TypeScript tests.
export interface Route {
  file: string;
  range?: boolean;
  cors?: boolean;
  truncateTo?: number;
  status?: number;
}
export interface RangeServer {
  base: string;
  url(path: string): string;
  sent(): number;
  requests: { method: string; path: string; range: string | null }[];
  reset(): void;
  close(): Promise<void>;
}
export function rangeServer(routes: Record<string, Route>): Promise<RangeServer>;

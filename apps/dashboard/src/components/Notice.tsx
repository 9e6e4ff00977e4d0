import type { ReactNode } from 'react';

/** A failure the operator should read: the API's own message says what was wrong and what would be right. */
export function ErrorNote({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p className="error" role="alert">
      {children}
    </p>
  );
}

export function StatusBadge({ state }: { state: string }) {
  const tone = /^(ready|running|promoted|active|succeeded)$/.test(state) ? 'good' : /^(loading|paused|validating|not loaded|queued)$/.test(state) ? 'wait' : /^(retired|aborted|cancelled)$/.test(state) ? 'quiet' : 'bad';
  return <span className={`badge ${tone}`}>{state}</span>;
}

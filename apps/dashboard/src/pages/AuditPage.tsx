import { useState } from 'react';
import { api, call, type Schemas } from '../api';
import { ErrorNote } from '../components/Notice';
import { formatTime } from '../format';
import { useAction, useResource } from '../use-resource';

type Entry = Schemas['AuditEntryDto'];

/** Who changed what, newest first, a page at a time (admins only, as the API decides). */
export function AuditPage() {
  const [actor, setActor] = useState('');
  const [applied, setApplied] = useState('');
  const [more, setMore] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const first = useResource(async () => {
    const page = await call(api.GET('/api/audit', { params: { query: { limit: '50', ...(applied ? { actor: applied } : {}) } } }));
    setMore([]);
    setCursor(page.nextCursor);
    return page;
  }, [applied]);
  const next = useAction(async () => {
    if (!cursor) return;
    const page = await call(api.GET('/api/audit', { params: { query: { limit: '50', cursor, ...(applied ? { actor: applied } : {}) } } }));
    setMore((current) => [...current, ...page.items]);
    setCursor(page.nextCursor);
  });
  const entries = [...(first.data?.items ?? []), ...more];

  return (
    <section>
      <h1>Audit log</h1>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          setApplied(actor.trim());
        }}
      >
        <label className="inline">
          Actor <input name="actor" value={actor} onChange={(event) => setActor(event.target.value)} placeholder="operator:admin" style={{ width: '16em' }} />
        </label>
        <button type="submit" className="secondary">
          Filter
        </button>
      </form>
      <ErrorNote>{first.error ?? next.error}</ErrorNote>
      {first.data && entries.length === 0 && <p className="empty">Nothing recorded{applied ? ` for ${applied}` : ''}.</p>}
      {entries.length > 0 && (
        <table className="list" aria-label="Audit log">
          <thead>
            <tr>
              <th>When</th>
              <th>Who</th>
              <th>What</th>
              <th>Target</th>
              <th>Changes</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>{formatTime(entry.at)}</td>
                <td>
                  {entry.actor}
                  {entry.ip && <div className="muted small">{entry.ip}</div>}
                </td>
                <td>{entry.action}</td>
                <td>{entry.target}</td>
                <td>
                  <code className="small">{JSON.stringify(entry.changes)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <p>
          <button type="button" className="secondary" disabled={next.busy} onClick={() => void next.run()}>
            Older entries
          </button>
        </p>
      )}
    </section>
  );
}

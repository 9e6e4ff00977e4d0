import { useState, type FormEvent } from 'react';
import { api, call } from '../api';
import { navigate } from '../router';
import { useAction } from '../use-resource';
import { ErrorNote } from './Notice';

/**
 * Deleting a model takes every version, its files and its deployment with it, and its prediction
 * URLs answer 404 from then on: the operator types the name to confirm, as a guard against the
 * wrong tab.
 */
export function DeleteModel({ name }: { name: string }) {
  const [typed, setTyped] = useState('');
  const remove = useAction(async () => {
    await call(api.DELETE('/api/models/{name}', { params: { path: { name } } }));
    return true;
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await remove.run()) navigate('/');
  };
  return (
    <form className="card danger-zone" onSubmit={(event) => void submit(event)} aria-label="Delete model">
      <h3>Delete this model</h3>
      <p className="muted small">
        Every version, its files, its deployment and its charts go with it, and <code>/v2/models/{name}</code> answers 404. This cannot be undone.
      </p>
      <label>
        Type <code>{name}</code> to confirm
        <input name="confirm" value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" />
      </label>
      <ErrorNote>{remove.error}</ErrorNote>
      <div className="actions">
        <button type="submit" className="danger" disabled={typed !== name || remove.busy}>
          Delete {name}
        </button>
      </div>
    </form>
  );
}

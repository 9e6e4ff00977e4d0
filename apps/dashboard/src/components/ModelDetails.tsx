import { useState, type FormEvent } from 'react';
import { api, call, type Schemas } from '../api';
import { useAction } from '../use-resource';
import { FormFooter } from './FormFooter';
import { formatLabels, parseLabels, sameLabels } from './labels';

type Model = Schemas['ModelDto'];

/** A model's labels, as chips. */
export function LabelChips({ labels }: { labels: Readonly<Record<string, string>> }) {
  const entries = Object.entries(labels);
  if (entries.length === 0) return null;
  return (
    <ul className="labels" aria-label="Labels">
      {entries.map(([key, value]) => (
        <li key={key} className="label-chip">
          {key}
          {value !== '' && <span className="muted">={value}</span>}
        </li>
      ))}
    </ul>
  );
}

/**
 * The description, task and labels of a model, and (with models:write) a form that changes them.
 * Only what was edited is sent (PATCH /api/models/{name}); labels are sent whole, as the API
 * replaces them.
 */
export function ModelDetails({ model, canEdit, onChanged }: { model: Model; canEdit: boolean; onChanged(): Promise<void> }) {
  const [editing, setEditing] = useState(false);
  return (
    <>
      {model.description && <p className="lead">{model.description}</p>}
      <div className="row">
        {model.task && <span className="muted small">Task: {model.task}</span>}
        <LabelChips labels={model.labels} />
        {canEdit && !editing && (
          <button type="button" className="link" onClick={() => setEditing(true)}>
            Edit details
          </button>
        )}
      </div>
      {editing && (
        <DetailsForm
          model={model}
          onCancel={() => setEditing(false)}
          onDone={async () => {
            setEditing(false);
            await onChanged();
          }}
        />
      )}
    </>
  );
}

function DetailsForm({ model, onDone, onCancel }: { model: Model; onDone(): Promise<void>; onCancel(): void }) {
  const [description, setDescription] = useState(model.description);
  const [task, setTask] = useState(model.task ?? '');
  const [labelText, setLabelText] = useState(formatLabels(model.labels));
  const parsed = parseLabels(labelText);
  const save = useAction(async () => {
    if ('problem' in parsed) return undefined;
    const body: Schemas['UpdateModelDto'] = {};
    if (description !== model.description) body.description = description;
    if (task.trim() !== (model.task ?? '')) body.task = task.trim();
    if (!sameLabels(parsed.labels, model.labels)) body.labels = parsed.labels;
    return call(api.PATCH('/api/models/{name}', { params: { path: { name: model.name } }, body }));
  });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (await save.run()) await onDone();
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label="Model details">
      <h3>Details of {model.name}</h3>
      <label>
        Description
        <textarea value={description} onChange={(event) => setDescription(event.target.value)} rows={2} maxLength={2000} />
      </label>
      <label>
        Task <span className="muted">(what the model does, free text)</span>
        <input value={task} onChange={(event) => setTask(event.target.value)} placeholder="classification" maxLength={64} />
      </label>
      <label>
        Labels <span className="muted">(one key=value per line)</span>
        <textarea value={labelText} onChange={(event) => setLabelText(event.target.value)} rows={4} placeholder={'team=botany\nowner=alice'} spellCheck={false} />
      </label>
      {'problem' in parsed && <p className="muted small">{parsed.problem}</p>}
      <FormFooter error={save.error} busy={save.busy} submit="Save details" submitDisabled={'problem' in parsed} onCancel={onCancel} />
    </form>
  );
}

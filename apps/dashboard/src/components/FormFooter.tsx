import { ErrorNote } from './Notice';

/**
 * The end of a form that creates something: its failure (the API's message), the submit button
 * (off while the request runs, or while the form says it cannot be sent) and Cancel.
 */
export function FormFooter({ error, busy, submit, submitDisabled = false, onCancel }: { error: string | undefined; busy: boolean; submit: string; submitDisabled?: boolean; onCancel(): void }) {
  return (
    <>
      <ErrorNote>{error}</ErrorNote>
      <div className="actions">
        <button type="submit" disabled={busy || submitDisabled}>
          {submit}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}

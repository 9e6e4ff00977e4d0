import { api, call, type Schemas } from '../api';
import { useResource } from '../use-resource';
import { callExamples } from './call-examples';
import { ErrorNote } from './Notice';

type Version = Schemas['VersionDto'];

/**
 * "Call this model": ready-to-run calls for the developers who will call it (curl, tritonclient over
 * HTTP and gRPC, grpcurl), with the input names, datatypes and shapes of its newest ready version
 * and the addresses this server answers on.
 */
export function CallExamples({ name, versions }: { name: string; versions: readonly Version[] }) {
  const endpoints = useResource(() => call(api.GET('/api/endpoints')), []);
  const ready = versions.filter((version) => version.status === 'ready').sort((a, b) => b.version - a.version)[0];
  if (ready === undefined) return null;
  const examples = endpoints.data ? callExamples(name, ready.signature.inputs, { origin: window.location.origin, grpc: endpoints.data.grpc }) : [];
  return (
    <details className="card" aria-label="Call this model">
      <summary>
        <strong>Call this model</strong> <span className="muted small">(inputs of version {ready.version}; the key in $MODELGATE_KEY)</span>
      </summary>
      <ErrorNote>{endpoints.error}</ErrorNote>
      {examples.map((example) => (
        <div key={example.title} className="call-example">
          <h4>{example.title}</h4>
          <pre>
            <code>{example.code}</code>
          </pre>
          {example.note && <p className="muted small">{example.note}</p>}
        </div>
      ))}
    </details>
  );
}

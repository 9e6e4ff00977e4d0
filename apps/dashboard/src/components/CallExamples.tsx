import { api, call, type Schemas } from '../api';
import { useResource } from '../use-resource';
import { callExamples, exampleVersion } from './call-examples';
import { ErrorNote } from './Notice';

type Version = Schemas['VersionDto'];

/**
 * "Call this model": ready-to-run calls for the developers who will call it (curl, tritonclient over
 * HTTP and gRPC, grpcurl), with the input names, datatypes and shapes of the version an unpinned
 * call reaches (exampleVersion: the deployment's stable route, else the newest ready version) and
 * the addresses this server answers on. It says when another routed version takes other inputs.
 * `deployment`: the model page's reading of it (null: none; undefined: not read yet).
 */
export function CallExamples({ name, versions, deployment }: { name: string; versions: readonly Version[]; deployment: Schemas['DeploymentDto'] | null | undefined }) {
  const endpoints = useResource(() => call(api.GET('/api/endpoints')), []);
  const chosen = exampleVersion(versions, deployment);
  if (chosen === undefined) return null;
  const { version, why, otherInputs } = chosen;
  const examples = endpoints.data ? callExamples(name, version.signature.inputs, { origin: window.location.origin, grpc: endpoints.data.grpc }) : [];
  return (
    <details className="card" aria-label="Call this model">
      <summary>
        <strong>Call this model</strong>{' '}
        <span className="muted small">
          (inputs of version {version.version}, {why}; the key in $MODELGATE_KEY)
        </span>
      </summary>
      {otherInputs.length > 0 && (
        <p className="notice" role="note">
          {otherInputs.length === 1 ? `Version ${otherInputs[0]} also takes` : `Versions ${otherInputs.join(', ')} also take`} unpinned traffic and
          {otherInputs.length === 1 ? ' has' : ' have'} other inputs: these calls fail there. Pin a version (<code>/v2/models/{name}/versions/N/infer</code>) or
          split traffic only among versions with the same inputs.
        </p>
      )}
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

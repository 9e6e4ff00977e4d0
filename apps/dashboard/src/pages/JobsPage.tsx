import { JobsTable } from '../components/JobsTable';
import { useJobs } from '../components/use-jobs';
import { useSession } from '../session';

/** Every batch job the operator submitted (admins: everyone's), across models, newest first. */
export function JobsPage() {
  const { can, session } = useSession();
  return (
    <section>
      <h1>Batch jobs</h1>
      {can('predict') ? (
        <AllJobs />
      ) : (
        <p className="empty">Batch jobs need the predict scope, which the {session.operator.role} role does not have.</p>
      )}
    </section>
  );
}

function AllJobs() {
  const jobs = useJobs();
  return (
    <>
      <p className="muted">
        Submit a job from its model's page. Its results can be downloaded once it has ended; a failed or cancelled job's results hold the rows scored before it stopped.
      </p>
      <JobsTable jobs={jobs} showModel />
    </>
  );
}

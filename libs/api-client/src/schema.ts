/**
 * Generated from libs/api-client/openapi.json by openapi-typescript: do not edit by hand.
 * Regenerate with `npm run generate:api-client` after changing the API.
 */

export interface paths {
    "/api/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The audit log, newest first (admin only)
         * @description Filters combine; page with `cursor` = the previous answer's `nextCursor`.
         */
        get: operations["AuditController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List keys, newest first (admin: all; otherwise the keys the caller created); never the secret */
        get: operations["KeysController_list"];
        put?: never;
        /**
         * Create an API key; the answer holds the full key, shown this once
         * @description Needs `keys` (or `admin`). A key can only be given scopes, models, an expiry and a rate limit within those of its creator.
         */
        post: operations["KeysController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a key: refused everywhere within a second */
        delete: operations["KeysController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/keys/{id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate a key: a new secret for the same id; the old one works for graceSeconds more (default 24 hours) */
        post: operations["KeysController_rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Operator login: sets an HttpOnly, SameSite=Strict session cookie
         * @description Repeated failures slow down (429 with Retry-After) and then lock the account for a while.
         */
        post: operations["AuthController_logIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End this session (server-side) and clear the cookie */
        post: operations["AuthController_logOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who is logged in, with what scopes, until when */
        get: operations["AuthController_session"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change your own password; your other sessions end */
        post: operations["AuthController_changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/operators": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List dashboard accounts (admin only); never the password hash */
        get: operations["OperatorsController_list"];
        put?: never;
        /** Create a dashboard account (admin only) */
        post: operations["OperatorsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/operators/{username}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change an account's role, disable or enable it, or set its password (admin only) */
        patch: operations["OperatorsController_update"];
        trace?: never;
    };
    "/v2": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server metadata */
        get: operations["V2Controller_serverMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Statistics of every loaded version (Triton's statistics extension)
         * @description What this process has served of each loaded version since it was last loaded: requests, rows, engine calls, and the time spent queued and computing, with engine calls by the rows they joined (batch_stats). A key limited to some models sees only those. POST /api/models refuses the name "stats", which this route takes; a model so named before that has its metadata at /v2/models/stats/versions/{v} instead.
         */
        get: operations["V2Controller_statistics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Statistics of the loaded versions of a model (Triton's statistics extension) */
        get: operations["V2Controller_modelStatistics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/versions/{version}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Statistics of one version (Triton's statistics extension) */
        get: operations["V2Controller_versionStatistics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Model configuration in Triton's shape (model configuration extension): the version the traffic goes to now
         * @description max_batch_size, input and output dims (without the batch axis where max_batch_size > 0), dynamic_batching and instance_group, as Triton's tools (perf_analyzer, Model Analyzer) read them. Read-only: change settings with PATCH /api/models/{name}/versions/{v}.
         */
        get: operations["V2Controller_modelConfig"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/versions/{version}/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Model configuration of one version in Triton's shape (model configuration extension) */
        get: operations["V2Controller_versionConfig"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Model metadata (latest ready version), with the ready versions */
        get: operations["V2Controller_modelMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Model version metadata */
        get: operations["V2Controller_versionMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Model ready: 200 when a version can answer, 503 when none is loaded */
        get: operations["V2Controller_modelReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/versions/{version}/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Model version ready */
        get: operations["V2Controller_versionReady"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/infer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Inference; the deployment chooses the version
         * @description X-Model-Version says which version answered and X-Route how it was chosen (pinned, latest, stable, canary, weighted, fallback); X-Fallback says why a deployment's fallback answered. Extensions (as Triton): binary tensor data (an Inference-Header-Content-Length header, the JSON, then raw tensor bytes; `binary_data_output` or `binary_data` asks for binary outputs), and classification (`"parameters": {"classification": k}` on a requested output answers its top k classes as BYTES `<value>:<index>[:<label>]`, labels from the version's config.classLabels).
         */
        post: operations["V2Controller_infer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/models/{name}/versions/{version}/infer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Inference pinned to one version
         * @description X-Model-Version says which version answered and X-Route how it was chosen (pinned, latest, stable, canary, weighted, fallback); X-Fallback says why a deployment's fallback answered. Extensions (as Triton): binary tensor data (an Inference-Header-Content-Length header, the JSON, then raw tensor bytes; `binary_data_output` or `binary_data` asks for binary outputs), and classification (`"parameters": {"classification": k}` on a requested output answers its top k classes as BYTES `<value>:<index>[:<label>]`, labels from the version's config.classLabels).
         */
        post: operations["V2Controller_inferVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}:predict": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Predict (row "instances" or columnar "inputs"); the deployment chooses the version
         * @description X-Model-Version says which version answered and X-Route how it was chosen.
         */
        post: operations["TfServingController_predict"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{version}:predict": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Predict with one version
         * @description X-Model-Version says which version answered and X-Route how it was chosen.
         */
        post: operations["TfServingController_predictVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/labels/{label}:predict": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Predict with the version a label of the deployment points to ('stable' or 'canary')
         * @description X-Model-Version says which version answered and X-Route how it was chosen.
         */
        post: operations["TfServingController_predictLabel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}:classify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Not served: TF Serving's Classify API (tf.Example inputs); 400 naming what to call instead
         * @description Classify reads tf.Example features through a classification signature, which models other than TF SavedModels do not have; TF Serving answers 400 for a model without one, and so does Modelgate, for every model.
         */
        post: operations["TfServingController_classify[0]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{version}:classify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Not served: TF Serving's Classify API (tf.Example inputs); 400 naming what to call instead
         * @description Classify reads tf.Example features through a classification signature, which models other than TF SavedModels do not have; TF Serving answers 400 for a model without one, and so does Modelgate, for every model.
         */
        post: operations["TfServingController_classify[1]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/labels/{label}:classify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Not served: TF Serving's Classify API (tf.Example inputs); 400 naming what to call instead
         * @description Classify reads tf.Example features through a classification signature, which models other than TF SavedModels do not have; TF Serving answers 400 for a model without one, and so does Modelgate, for every model.
         */
        post: operations["TfServingController_classify[2]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}:regress": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Not served: TF Serving's Regress API (tf.Example inputs); 400 naming what to call instead
         * @description Regress reads tf.Example features through a regression signature, which models other than TF SavedModels do not have; TF Serving answers 400 for a model without one, and so does Modelgate, for every model.
         */
        post: operations["TfServingController_regress[0]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{version}:regress": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Not served: TF Serving's Regress API (tf.Example inputs); 400 naming what to call instead
         * @description Regress reads tf.Example features through a regression signature, which models other than TF SavedModels do not have; TF Serving answers 400 for a model without one, and so does Modelgate, for every model.
         */
        post: operations["TfServingController_regress[1]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/labels/{label}:regress": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Not served: TF Serving's Regress API (tf.Example inputs); 400 naming what to call instead
         * @description Regress reads tf.Example features through a regression signature, which models other than TF SavedModels do not have; TF Serving answers 400 for a model without one, and so does Modelgate, for every model.
         */
        post: operations["TfServingController_regress[2]"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Model status: the state of each version */
        get: operations["TfServingController_status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Status of one version */
        get: operations["TfServingController_versionStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/metadata": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Model metadata: the serving_default signature */
        get: operations["TfServingController_metadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/labels/{label}/metadata": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Metadata of the version a label points to ('stable' or 'canary') */
        get: operations["TfServingController_labelMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{name}/versions/{version}/metadata": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Metadata of one version */
        get: operations["TfServingController_versionMetadata"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/endpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The protocols this server answers on, beside its HTTP address: the gRPC port and whether each serves TLS */
        get: operations["EndpointsController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List models, by name (a key limited to some models sees only those) */
        get: operations["ModelsController_list"];
        put?: never;
        /** Create a model (a name under which versions are uploaded) */
        post: operations["ModelsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a model */
        get: operations["ModelsController_get"];
        put?: never;
        post?: never;
        /** Delete a model with all its versions; their workers are stopped and files removed */
        delete: operations["ModelsController_remove"];
        options?: never;
        head?: never;
        /** Change a model's description, task or labels */
        patch: operations["ModelsController_update"];
        trace?: never;
    };
    "/api/models/{name}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a model's versions */
        get: operations["VersionsController_list"];
        put?: never;
        /**
         * Upload a new version
         * @description multipart/form-data with `file` (.onnx, or .zip / .tar.gz of a TF.js model folder or TF SavedModel) and optional `config` (JSON) and `description`. The file is stored, loaded and warmed up before the answer; a file that cannot be loaded answers 422 and leaves nothing behind.
         */
        post: operations["VersionsController_upload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models/{name}/versions/{version}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a version: status, signature, serving settings */
        get: operations["VersionsController_get"];
        put?: never;
        post?: never;
        /** Delete a version; its workers stop and its file is removed when no other version shares it */
        delete: operations["VersionsController_remove"];
        options?: never;
        head?: never;
        /** Change a version's description, serving settings (applied without restart) or status (ready / retired) */
        patch: operations["VersionsController_update"];
        trace?: never;
    };
    "/api/models/{name}/deployment": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The deployment: routes with their weights and readiness here, labels, shadow, fallback, plan and its progress
         * @description With a running plan, `evaluation` holds its latest look at the canary against stable on this server, and what the step still needs.
         */
        get: operations["DeploymentController_get"];
        /**
         * Set the deployment: routes (weights summing to 100), stable and canary labels, optional shadow, fallback and progressive plan
         * @description Blue-green is a switch of weight 100 from one version to another; A/B is two or more weighted routes; a canary is a second route, optionally with a plan that moves it through its steps and rolls it back when a gate is breached. Versions that get traffic must be ready and loaded; traffic moves to them only then, and nothing in flight fails.
         */
        put: operations["DeploymentController_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change the shadow, the fallback or sticky routing, and leave the routes, labels and a running plan as they are
         * @description A field left out stays as it is; `null` removes a shadow or a fallback. The same checks as PUT apply: a shadow must be loaded here and not routed, a fallback loaded here. The change is kept in the history as `deployment.options`.
         */
        patch: operations["DeploymentController_patch"];
        trace?: never;
    };
    "/api/models/{name}/deployment/promote": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Promote: the canary becomes stable and takes 100% of traffic */
        post: operations["DeploymentController_promote"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models/{name}/deployment/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Roll back to the previous stable at 100%: drops a routed canary, or else restores the stable before the last promotion or switch */
        post: operations["DeploymentController_rollback"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models/{name}/deployment/plan/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause the progressive plan: the weights stay where they are until resumed */
        post: operations["DeploymentController_pause"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models/{name}/deployment/plan/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a paused plan; the current step starts over */
        post: operations["DeploymentController_resume"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models/{name}/deployment/plan/abort": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Abort the plan: the canary goes back to 0% and stable serves everything */
        post: operations["DeploymentController_abort"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models/{name}/deployment/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every change of the deployment, newest first: who, when, why, and the deployment it left */
        get: operations["DeploymentController_history"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/deployments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the deployments of all models, by model name (a key limited to some models sees only theirs)
         * @description Each as GET /api/models/{name}/deployment answers it, without the running plan's `evaluation`. A model without a deployment is not listed.
         */
        get: operations["DeploymentsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models/{name}/deployment/shadow": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Shadow comparisons per (primary, shadow) pair: top-1 agreement of classifier outputs, mean and max absolute difference of numeric outputs, errors and dropped copies; totals over the range and one point per minute */
        get: operations["ShadowController_comparisons"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models/{name}/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Submit a batch job: a file of rows scored in the background
         * @description multipart/form-data with `file` (JSON Lines or CSV) and optional `version` and `format`. The whole file is checked against the version's signature first: a line the model cannot take answers 400 naming it, and nothing is stored. Rows are scored at batch priority (online requests to the version go first); each row's result is what a TF Serving predict request with that row as its one instance would answer.
         */
        post: operations["JobsController_submit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Your batch jobs, newest first (admins: everyone's)
         * @description Page with `cursor` = the previous answer's `nextCursor`.
         */
        get: operations["JobsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A batch job's status and progress */
        get: operations["JobsController_get"];
        put?: never;
        post?: never;
        /** Delete a job that is not running, with its input and results */
        delete: operations["JobsController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/{id}/results": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A finished job's results: JSON Lines, one per input row, in order
         * @description `{"row": N, "prediction": ...}` (the prediction as in TF Serving's `predictions`) or `{"row": N, "error": "..."}`. A failed or cancelled job's results hold the rows scored before it stopped. 409 while the job is queued or running.
         */
        get: operations["JobsController_results"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/jobs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a queued or running job; the rows scored before stay in its results */
        post: operations["JobsController_cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers */
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: database reachable, migrations applied, every servable version loaded */
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server live (Open Inference Protocol) */
        get: operations["HealthController_v2Live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v2/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Server ready (Open Inference Protocol): 200 when ready, 503 when not */
        get: operations["HealthController_v2Ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics (text exposition format): an admin credential, or the METRICS_TOKEN bearer token */
        get: operations["MetricsController_scrape"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models/{name}/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Request rate, error rate and p50/p95/p99 latency per version, one point per step (from per-minute rollups of every replica) */
        get: operations["TelemetryController_series"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models/{name}/drift": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Drift per version: each watched feature's population stability index against the version's baseline, flagged past the threshold */
        get: operations["TelemetryController_drift"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/models/{name}/payloads": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Requests kept by payload logging (off unless MODELGATE_PAYLOAD_LOG_MODELS names the model), newest first; admin only, as they hold client data */
        get: operations["TelemetryController_payloads"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AuditEntryDto: {
            /** @example 1042 */
            id: string;
            /** @example 2026-01-05T10:31:00.000Z */
            at: string;
            /** @example operator:alice */
            actor: string;
            /** @example model.update */
            action: string;
            /** @example model:iris */
            target: string;
            /** @example 10.0.0.7 */
            ip: string | null;
            requestId: string | null;
            /**
             * @description What changed (never secrets or payloads)
             * @example {
             *       "description": "retrained monthly"
             *     }
             */
            changes: {
                [key: string]: unknown;
            };
        };
        AuditPageDto: {
            items: components["schemas"]["AuditEntryDto"][];
            /** @description Pass as cursor for the next (older) page; null at the end */
            nextCursor: string | null;
        };
        ErrorDto: {
            /**
             * @description What went wrong and how to fix it
             * @example model "iris" not found; GET /api/models lists the models
             */
            error: string;
            /**
             * @description Also in the X-Request-Id header
             * @example 6f1c2a4e-1d2b-4a7e-9d55-2f0f5d9b8c11
             */
            requestId: string;
        };
        RateLimitDto: {
            /**
             * @description Sustained requests per second (tokens added to the bucket per second); fractions allowed, e.g. 0.5
             * @example 50
             */
            perSecond: number;
            /**
             * @description Bucket size: how many requests may come at once before the sustained rate applies
             * @example 100
             */
            burst: number;
        };
        CreateKeyDto: {
            /**
             * @description What the key is for (1-128 printable characters)
             * @example checkout-service
             */
            name: string;
            /**
             * @description What the key may do; you can only grant scopes you hold yourself (admin holds all)
             * @example [
             *       "predict"
             *     ]
             */
            scopes: ("predict" | "models:read" | "models:write" | "deploy" | "keys" | "admin")[];
            /**
             * @description Models the key may use; omitted or null: all. Other models answer 404, as if they did not exist
             * @example [
             *       "iris"
             *     ]
             */
            models?: string[] | null;
            /**
             * @description When the key stops working (ISO 8601); omitted: never
             * @example 2026-12-31T23:59:59Z
             */
            expiresAt?: string | null;
            /** @description Token bucket per key; omitted: no limit */
            rateLimit?: components["schemas"]["RateLimitDto"] | null;
        };
        CreatedKeyDto: {
            /**
             * @description The public part of the key (mg_<id>_<secret>); also the path of DELETE /api/keys/{id}
             * @example k7Hq2mZp9xRt
             */
            id: string;
            /** @example checkout-service */
            name: string;
            /**
             * @example [
             *       "predict"
             *     ]
             */
            scopes: ("predict" | "models:read" | "models:write" | "deploy" | "keys" | "admin")[];
            /**
             * @description null: all models
             * @example [
             *       "iris"
             *     ]
             */
            models: string[] | null;
            /** @description null: no limit */
            rateLimit: components["schemas"]["RateLimitDto"] | null;
            /** @example 2026-12-31T23:59:59.000Z */
            expiresAt: string | null;
            /** @description Updated about every 10 seconds while the key is used */
            lastUsedAt: string | null;
            revokedAt: string | null;
            /** @description Until when the secret replaced by the last rotation still works */
            previousSecretExpiresAt: string | null;
            /**
             * @description key:<id>, operator:<username> or bootstrap
             * @example operator:alice
             */
            createdBy: string | null;
            createdAt: string;
            /**
             * @description The full key: shown this once, never again
             * @example mg_k7Hq2mZp9xRt_2o0c5y3Jm6VvQdH8sL1aR4kT7nWbXcEzFgYpUiOqA9s
             */
            key: string;
        };
        KeyDto: {
            /**
             * @description The public part of the key (mg_<id>_<secret>); also the path of DELETE /api/keys/{id}
             * @example k7Hq2mZp9xRt
             */
            id: string;
            /** @example checkout-service */
            name: string;
            /**
             * @example [
             *       "predict"
             *     ]
             */
            scopes: ("predict" | "models:read" | "models:write" | "deploy" | "keys" | "admin")[];
            /**
             * @description null: all models
             * @example [
             *       "iris"
             *     ]
             */
            models: string[] | null;
            /** @description null: no limit */
            rateLimit: components["schemas"]["RateLimitDto"] | null;
            /** @example 2026-12-31T23:59:59.000Z */
            expiresAt: string | null;
            /** @description Updated about every 10 seconds while the key is used */
            lastUsedAt: string | null;
            revokedAt: string | null;
            /** @description Until when the secret replaced by the last rotation still works */
            previousSecretExpiresAt: string | null;
            /**
             * @description key:<id>, operator:<username> or bootstrap
             * @example operator:alice
             */
            createdBy: string | null;
            createdAt: string;
        };
        KeyListDto: {
            items: components["schemas"]["KeyDto"][];
            /** @example 1 */
            total: number;
        };
        RotateKeyDto: {
            /**
             * @description How long the old secret keeps working, in seconds (default 24 hours; 0 for a leaked key: the old secret stops at once)
             * @default 86400
             * @example 86400
             */
            graceSeconds?: number;
        };
        LoginDto: {
            /** @example admin */
            username: string;
            /** @example the password */
            password: string;
        };
        OperatorDto: {
            /** @example alice */
            username: string;
            /**
             * @example operator
             * @enum {string}
             */
            role: "admin" | "operator" | "viewer";
            /** @example false */
            disabled: boolean;
            /** @description Set while too many failed logins keep the account locked */
            lockedUntil: string | null;
            lastLoginAt: string | null;
            passwordChangedAt: string;
            /** @example operator:admin */
            createdBy: string | null;
            createdAt: string;
        };
        SessionDto: {
            operator: components["schemas"]["OperatorDto"];
            /**
             * @description What the session may do (from the role)
             * @example [
             *       "admin"
             *     ]
             */
            scopes: string[];
            /** @description When the session ends; log in again after */
            expiresAt: string;
        };
        ChangePasswordDto: {
            currentPassword: string;
            newPassword: string;
        };
        CreateOperatorDto: {
            /**
             * @description username must be 1-64 characters of lowercase letters, digits, ".", "_", "@" or "-", starting with a letter or digit
             * @example alice
             */
            username: string;
            /** @example a long passphrase nobody guesses */
            password: string;
            /**
             * @description admin: everything; operator: predict, models, deploy, keys; viewer: read models
             * @example operator
             * @enum {string}
             */
            role: "admin" | "operator" | "viewer";
        };
        OperatorListDto: {
            items: components["schemas"]["OperatorDto"][];
            /** @example 1 */
            total: number;
        };
        UpdateOperatorDto: {
            /** @enum {string} */
            role?: "admin" | "operator" | "viewer";
            /** @description true: the account cannot log in and its sessions end at once; false: enabled again (and unlocked) */
            disabled?: boolean;
            /** @description A new password set by an admin (ends the sessions of the account and unlocks it) */
            password?: string;
        };
        /**
         * @description The tensor's element type
         * @enum {string}
         */
        V2Datatype: "BOOL" | "UINT8" | "UINT16" | "UINT32" | "UINT64" | "INT8" | "INT16" | "INT32" | "INT64" | "FP16" | "FP32" | "FP64" | "BYTES";
        V2TensorParametersDto: {
            /**
             * @description Binary tensor data extension: the tensor's bytes follow the JSON header (Inference-Header-Content-Length), this many, in input order
             * @example 16
             */
            binary_data_size?: number;
        };
        V2ResponseOutputDto: {
            /** @example probabilities */
            name: string;
            /**
             * @example [
             *       1,
             *       3
             *     ]
             */
            shape: number[];
            /**
             * @description The tensor's element type
             * @example FP32
             */
            datatype: components["schemas"]["V2Datatype"];
            /** @description binary_data_size where the output follows the JSON header as raw bytes */
            parameters?: components["schemas"]["V2TensorParametersDto"];
            /**
             * @description The elements, flat in row-major order or nested as the shape nests them: numbers (booleans for BOOL, strings for BYTES). Absent where the tensor travels as binary data (parameters.binary_data_size).
             * @example [
             *       0.96,
             *       0.04,
             *       0
             *     ]
             */
            data?: unknown[];
        };
        V2InferenceResponseDto: {
            /** @example iris */
            model_name: string;
            /**
             * @description The version that answered (also the X-Model-Version header)
             * @example 1
             */
            model_version: string;
            /**
             * @description The request's id, when it had one
             * @example request-1
             */
            id?: string;
            /** @description Response parameters, when there are any */
            parameters?: {
                [key: string]: unknown;
            };
            outputs: components["schemas"]["V2ResponseOutputDto"][];
        };
        V2ServerMetadataDto: {
            /** @example modelgate */
            name: string;
            /** @example 0.1.0 */
            version: string;
            /**
             * @description The protocol extensions served, as Triton names them
             * @example [
             *       "binary_tensor_data",
             *       "classification",
             *       "statistics",
             *       "model_configuration"
             *     ]
             */
            extensions: string[];
        };
        V2DurationStatDto: {
            /** @example 40 */
            count: number;
            /**
             * @description Nanoseconds, summed
             * @example 9800000
             */
            ns: number;
        };
        V2InferenceStatsDto: {
            /** @description Completed requests, from the queue to the answer */
            success: components["schemas"]["V2DurationStatDto"];
            /** @description Failed requests: engine errors, full queue, deadline passed */
            fail: components["schemas"]["V2DurationStatDto"];
            /** @description Time completed requests waited in the queue */
            queue: components["schemas"]["V2DurationStatDto"];
            /** @description Always 0: inputs are copied as part of the engine call */
            compute_input: components["schemas"]["V2DurationStatDto"];
            /** @description Engine time; each request counts its batch's call */
            compute_infer: components["schemas"]["V2DurationStatDto"];
            /** @description Always 0, as compute_input */
            compute_output: components["schemas"]["V2DurationStatDto"];
            /** @description Always 0: no response cache */
            cache_hit: components["schemas"]["V2DurationStatDto"];
        };
        V2BatchStatDto: {
            /**
             * @description Rows the engine calls joined
             * @example 8
             */
            batch_size: number;
            compute_input: components["schemas"]["V2DurationStatDto"];
            compute_infer: components["schemas"]["V2DurationStatDto"];
            compute_output: components["schemas"]["V2DurationStatDto"];
        };
        V2ModelStatDto: {
            /** @example iris */
            name: string;
            /** @example 1 */
            version: string;
            /**
             * @description When the last request completed, in ms since the epoch; 0 before the first
             * @example 1796601600000
             */
            last_inference: number;
            /**
             * @description Rows of the completed requests
             * @example 40
             */
            inference_count: number;
            /**
             * @description Engine calls
             * @example 12
             */
            execution_count: number;
            inference_stats: components["schemas"]["V2InferenceStatsDto"];
            /** @description Engine calls by the rows they joined */
            batch_stats: components["schemas"]["V2BatchStatDto"][];
        };
        V2StatisticsDto: {
            /** @description Since each version was last loaded in this process */
            model_stats: components["schemas"]["V2ModelStatDto"][];
        };
        V2SpecificVersionsDto: {
            /**
             * @example [
             *       1
             *     ]
             */
            versions: number[];
        };
        V2VersionPolicyDto: {
            specific: components["schemas"]["V2SpecificVersionsDto"];
        };
        V2TensorConfigDto: {
            /** @example features */
            name: string;
            /**
             * @description Triton's type name (BYTES as TYPE_STRING)
             * @example TYPE_FP32
             */
            data_type: string;
            /**
             * @description The shape without the batch dimension where requests are joined; -1 is free
             * @example [
             *       4
             *     ]
             */
            dims: number[];
        };
        V2QueuePolicyDto: {
            /** @enum {string} */
            timeout_action: "REJECT";
            /**
             * @description The version's defaultTimeoutMs, in microseconds
             * @example 30000000
             */
            default_timeout_microseconds: number;
            /**
             * @description A request may shorten it (parameters.timeout, X-Request-Timeout-Ms)
             * @example true
             */
            allow_timeout_override: boolean;
            /** @example 1024 */
            max_queue_size: number;
        };
        V2DynamicBatchingDto: {
            /** @example 1000 */
            max_queue_delay_microseconds: number;
            /** @example false */
            preserve_ordering: boolean;
            /**
             * @description online (1) and batch (2)
             * @example 2
             */
            priority_levels: number;
            /** @example 1 */
            default_priority_level: number;
            default_queue_policy: components["schemas"]["V2QueuePolicyDto"];
        };
        V2InstanceGroupDto: {
            /** @example iris_0 */
            name: string;
            /** @enum {string} */
            kind: "KIND_CPU" | "KIND_GPU";
            /** @example 1 */
            count: number;
            /**
             * @description GPU indices, for KIND_GPU
             * @example []
             */
            gpus: number[];
        };
        V2ModelConfigDto: {
            /** @example iris */
            name: string;
            /** @example onnxruntime_onnx */
            platform: string;
            /** @example onnxruntime */
            backend: string;
            version_policy: components["schemas"]["V2VersionPolicyDto"];
            /**
             * @description 0 where requests are not joined along axis 0
             * @example 32
             */
            max_batch_size: number;
            input: components["schemas"]["V2TensorConfigDto"][];
            output: components["schemas"]["V2TensorConfigDto"][];
            /** @description Present where requests are joined */
            dynamic_batching?: components["schemas"]["V2DynamicBatchingDto"];
            instance_group: components["schemas"]["V2InstanceGroupDto"][];
        };
        V2TensorMetadataDto: {
            /** @example features */
            name: string;
            /**
             * @description The tensor's element type
             * @example FP32
             */
            datatype: components["schemas"]["V2Datatype"];
            /**
             * @description -1 marks a free dimension
             * @example [
             *       -1,
             *       4
             *     ]
             */
            shape: number[];
        };
        V2ModelMetadataDto: {
            /** @example iris */
            name: string;
            /**
             * @description The versions ready to answer
             * @example [
             *       "1"
             *     ]
             */
            versions: string[];
            /**
             * @description Triton's <framework>_<format> name (tfjs_graph_model and tfjs_layers_model for TF.js)
             * @example onnxruntime_onnx
             */
            platform: string;
            inputs: components["schemas"]["V2TensorMetadataDto"][];
            outputs: components["schemas"]["V2TensorMetadataDto"][];
        };
        V2ModelReadyDto: {
            /** @example iris */
            name: string;
            /**
             * @description Present when the route names a version
             * @example 1
             */
            version?: string;
            /**
             * @description A version can answer (the status is 503 when false)
             * @example true
             */
            ready: boolean;
        };
        V2RequestParametersDto: {
            /** @description Binary tensor data extension: every output as raw bytes after the JSON header */
            binary_data_output?: boolean;
            /**
             * @description Deadline in microseconds (as Triton): it can only shorten the version's default; past it the answer is 504 and a queued request is not computed. Also the X-Request-Timeout-Ms header.
             * @example 50000
             */
            timeout?: number;
            /**
             * @description "batch" waits while online requests are queued. Also the X-Request-Priority header.
             * @enum {string}
             */
            priority?: "online" | "batch";
        };
        V2RequestInputDto: {
            /**
             * @description An input of the model's signature
             * @example features
             */
            name: string;
            /**
             * @description The tensor's shape; the first dimension is usually the batch of rows
             * @example [
             *       1,
             *       4
             *     ]
             */
            shape: number[];
            /**
             * @description The tensor's element type
             * @example FP32
             */
            datatype: components["schemas"]["V2Datatype"];
            parameters?: components["schemas"]["V2TensorParametersDto"];
            /**
             * @description The elements, flat in row-major order or nested as the shape nests them: numbers (booleans for BOOL, strings for BYTES). Absent where the tensor travels as binary data (parameters.binary_data_size).
             * @example [
             *       5.1,
             *       3.5,
             *       1.4,
             *       0.2
             *     ]
             */
            data?: unknown[];
        };
        V2OutputParametersDto: {
            /** @description Binary tensor data extension: this output as raw bytes after the JSON header (overrides binary_data_output) */
            binary_data?: boolean;
            /**
             * @description Classification extension: the top k classes of this output, as BYTES "<value>:<index>[:<label>]" (labels from the version's config.classLabels)
             * @example 2
             */
            classification?: number;
        };
        V2RequestOutputDto: {
            /**
             * @description An output of the model's signature
             * @example probabilities
             */
            name: string;
            parameters?: components["schemas"]["V2OutputParametersDto"];
        };
        V2InferenceRequestDto: {
            /**
             * @description Echoed in the response
             * @example request-1
             */
            id?: string;
            parameters?: components["schemas"]["V2RequestParametersDto"];
            /** @description Every input of the model's signature, once */
            inputs: components["schemas"]["V2RequestInputDto"][];
            /** @description The outputs wanted, and how; all of them when absent */
            outputs?: components["schemas"]["V2RequestOutputDto"][];
        };
        TfDimDto: {
            /**
             * @description An int64 as protobuf JSON writes it; -1 is free
             * @example -1
             */
            size: string;
            /** @example  */
            name: string;
        };
        TfTensorShapeDto: {
            dim: components["schemas"]["TfDimDto"][];
            /** @example false */
            unknown_rank: boolean;
        };
        TfTensorInfoDto: {
            /** @example DT_FLOAT */
            dtype: string;
            tensor_shape: components["schemas"]["TfTensorShapeDto"];
            /** @example features:0 */
            name: string;
        };
        TfSignatureDefDto: {
            /** @description By input name */
            inputs: {
                [key: string]: components["schemas"]["TfTensorInfoDto"];
            };
            /** @description By output name */
            outputs: {
                [key: string]: components["schemas"]["TfTensorInfoDto"];
            };
            /** @example tensorflow/serving/predict */
            method_name: string;
        };
        TfPredictRequestDto: {
            /**
             * @description Only serving_default (or empty) is served
             * @example serving_default
             */
            signature_name?: string;
            /**
             * @description Row format: one instance per row, each a value nested as the input's shape without its batch dimension, or, for a model with several inputs, an object of them by input name. Send this or inputs.
             * @example [
             *       [
             *         5.1,
             *         3.5,
             *         1.4,
             *         0.2
             *       ]
             *     ]
             */
            instances?: unknown[];
            /**
             * @description Columnar format: the batch of a one-input model, or an object of batches by input name. Send this or instances.
             * @example {
             *       "features": [
             *         [
             *           5.1,
             *           3.5,
             *           1.4,
             *           0.2
             *         ]
             *       ]
             *     }
             */
            inputs?: unknown[] | {
                [key: string]: unknown;
            };
        };
        TfPredictResponseDto: {
            /**
             * @description Answer to the row format: one prediction per instance; an object by output name where the model has several outputs
             * @example [
             *       [
             *         0.96,
             *         0.04,
             *         0
             *       ]
             *     ]
             */
            predictions?: unknown[];
            /** @description Answer to the columnar format: the batch of a one-output model, or an object of batches by output name */
            outputs?: unknown[] | {
                [key: string]: unknown;
            };
        };
        /** @enum {string} */
        TfVersionState: "UNKNOWN" | "START" | "LOADING" | "AVAILABLE" | "UNLOADING" | "END";
        TfStatusDto: {
            /** @example OK */
            error_code: string;
            /**
             * @description Why the version is not available, if it is not
             * @example
             */
            error_message: string;
        };
        TfVersionStatusDto: {
            /** @example 1 */
            version: string;
            /** @example AVAILABLE */
            state: components["schemas"]["TfVersionState"];
            status: components["schemas"]["TfStatusDto"];
        };
        TfModelStatusDto: {
            model_version_status: components["schemas"]["TfVersionStatusDto"][];
        };
        TfModelSpecDto: {
            /** @example iris */
            name: string;
            /** @example  */
            signature_name: string;
            /** @example 1 */
            version: string;
        };
        TfSignatureDefMapDto: {
            /** @description By signature name: serving_default */
            signature_def: {
                [key: string]: components["schemas"]["TfSignatureDefDto"];
            };
        };
        TfMetadataBodyDto: {
            signature_def: components["schemas"]["TfSignatureDefMapDto"];
        };
        TfModelMetadataDto: {
            model_spec: components["schemas"]["TfModelSpecDto"];
            metadata: components["schemas"]["TfMetadataBodyDto"];
        };
        GrpcEndpointDto: {
            /**
             * @description The port the Open Inference Protocol over gRPC listens on (MODELGATE_GRPC_PORT)
             * @example 8081
             */
            port: number;
            /** @description Whether it serves TLS (with the HTTP server's certificate) */
            tls: boolean;
        };
        EndpointsDto: {
            /** @description Whether the HTTP API serves TLS */
            httpTls: boolean;
            /** @description The gRPC port, or null when gRPC is off */
            grpc: components["schemas"]["GrpcEndpointDto"] | null;
        };
        CreateModelDto: {
            /**
             * @description name must be 1-63 characters of lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit (e.g. "iris-classifier"); not "stats", which GET /v2/models/stats (statistics of all models) takes
             * @example iris
             */
            name: string;
            /** @example Iris species from sepal and petal sizes */
            description?: string;
            /**
             * @description What the model does, free text
             * @example classification
             */
            task?: string;
            /**
             * @description String labels for filtering and ownership
             * @example {
             *       "team": "botany"
             *     }
             */
            labels?: {
                [key: string]: string;
            };
        };
        ModelDto: {
            /** @example iris */
            name: string;
            /** @example Iris species from sepal and petal sizes */
            description: string;
            /** @example classification */
            task: string | null;
            /**
             * @example {
             *       "team": "botany"
             *     }
             */
            labels: {
                [key: string]: string;
            };
            /**
             * @description Highest version number handed out so far (0: none yet)
             * @example 2
             */
            latestVersion: number;
            createdAt: string;
            updatedAt: string;
        };
        ModelListDto: {
            items: components["schemas"]["ModelDto"][];
            /** @example 1 */
            total: number;
        };
        UpdateModelDto: {
            /** @example Iris species, retrained monthly */
            description?: string;
            /** @example classification */
            task?: string;
            /**
             * @example {
             *       "team": "botany"
             *     }
             */
            labels?: {
                [key: string]: string;
            };
        };
        UploadVersionBodyDto: {
            /**
             * Format: binary
             * @description .onnx file, or .zip / .tar.gz of a TF.js model folder or TF SavedModel
             */
            file: string;
            /**
             * @description JSON object of serving settings, e.g. {"instances": 2}
             * @example {"instances": 1}
             */
            config?: string;
            /** @description Free-text description of this version */
            description?: string;
        };
        TensorSpecDto: {
            /** @example features */
            name: string;
            /**
             * @description Open Inference Protocol datatype
             * @example FP32
             */
            datatype: string;
            /**
             * @description -1 marks a free dimension
             * @example [
             *       -1,
             *       4
             *     ]
             */
            shape: number[];
        };
        SignatureDto: {
            inputs: components["schemas"]["TensorSpecDto"][];
            outputs: components["schemas"]["TensorSpecDto"][];
        };
        BatchingConfigDto: {
            /**
             * @description Most rows joined into one engine call; 1 turns batching off
             * @example 32
             */
            maxBatchSize?: number;
            /**
             * @description Under load, how long the oldest queued request may wait for company (ms); 0 joins only what is already queued. A lone request never waits.
             * @example 1
             */
            maxQueueDelayMs?: number;
            /**
             * @description Most requests waiting; beyond it requests answer 429 with Retry-After
             * @example 1024
             */
            maxQueueSize?: number;
            /**
             * @description Default deadline of a request (ms); past it the request answers 504 and is not computed
             * @example 30000
             */
            defaultTimeoutMs?: number;
            /** @description Axis to join requests along when it is not 0 (e.g. 1 for recurrent state [layers, batch, units]); it must be free in every input and output */
            batchAxis?: number;
        };
        VersionConfigDto: {
            /**
             * @description Worker instances serving this version
             * @example 1
             */
            instances?: number;
            /**
             * @description Device each instance runs on: "cpu" or "gpu:<index>"
             * @example cpu
             */
            device?: string;
            /** @description Dynamic batching; left out: batch where the signature allows it, up to 32 rows */
            batching?: components["schemas"]["BatchingConfigDto"];
            /**
             * @description Let each CPU instance of an ONNX model split its threads into two lanes under load: one session on all its threads for a lone request, two sessions on half the threads each, computing two batches at once, while requests queue. Applies to instances with two threads or more whose model takes at least 0.5 ms a run on half the threads; costs the memory of two more sessions per instance. Default true.
             * @example true
             */
            splitUnderLoad?: boolean;
            /**
             * @description Let a model whose engine calls take microseconds run on the HTTP thread, without a worker: no message or wake-up per batch. Applies to an ONNX model on the CPU with one instance and a file of 16 MiB at most, when a warm batch-1 run takes at most 0.25 ms and a full batch at most 1 ms (measured at load; the event loop waits that long). It halves the CPU a request costs at low load (no worker to wake, no idle spin) and saves the worker's memory; under load the compute takes the HTTP thread's time instead. Where and why it runs shows in serving.execution. Default false.
             * @example true
             */
            inline?: boolean;
            /**
             * @description Class names of classifying outputs, by output name, in class index order. A v2 request that asks for an output's top classes (`"outputs": [{"name": ..., "parameters": {"classification": k}}]`, Triton's classification extension) gets `<value>:<index>:<label>` strings. Checked against the signature: a known output, and one name per class where its shape fixes them. Replaced as a whole by a change; {} removes them.
             * @example {
             *       "probabilities": [
             *         "setosa",
             *         "versicolor",
             *         "virginica"
             *       ]
             *     }
             */
            classLabels?: {
                [key: string]: string[];
            };
        };
        ArtifactDto: {
            /** @example 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 */
            sha256: string;
            /**
             * @description Size of the uploaded file in bytes
             * @example 2048
             */
            size: number;
            /** @example iris.onnx */
            filename: string | null;
        };
        BatchingStateDto: {
            /**
             * @description Axis requests are joined along; null: served one by one
             * @example 0
             */
            axis: number | null;
            /**
             * @description Why it joins, or why not
             * @example dimension 0 is free in every input and output
             */
            reason: string;
            /** @example 32 */
            maxBatchSize: number;
            /** @example 1 */
            maxQueueDelayMs: number;
            /** @example 1024 */
            maxQueueSize: number;
            /** @example 30000 */
            defaultTimeoutMs: number;
        };
        ExecutionStateDto: {
            /**
             * @description inline: on the HTTP thread, without a worker; workers: in its worker threads
             * @example workers
             * @enum {string}
             */
            mode: "inline" | "workers";
            /**
             * @description Why it runs there
             * @example a warm batch-1 run takes 0.031 ms and one of 32 rows 0.120 ms, within 0.25 and 1 ms
             */
            reason: string;
        };
        InstanceLanesDto: {
            /**
             * @description Intra-op threads of the primary's narrow session
             * @example 1
             */
            narrowThreads: number;
            /**
             * @description Intra-op threads of the helper worker that runs beside it under load
             * @example 1
             */
            helperThreads: number;
            /** @example true */
            helperReady: boolean;
        };
        InstanceStateDto: {
            /** @example 0 */
            instance: number;
            /**
             * @description cpu, or gpu:N
             * @example cpu
             */
            device: string;
            /**
             * @description Loaded and taking requests
             * @example true
             */
            ready: boolean;
            /**
             * @description Its share of the host's cores, as intra-op threads
             * @example 2
             */
            intraOpThreads: number;
            /**
             * @description Once loaded: the intra-op threads its lone requests run on; one, below its share, where its model measured as fast on one thread at load
             * @example 1
             */
            threadsInUse?: number;
            /**
             * @description Why it runs on that many threads
             * @example one thread: warm runs of 1 row take 0.027 ms on one thread and 0.027 ms on 2; 32 rows take 0.028 ms on one thread and 0.027 ms on 2
             */
            threadsReason?: string;
            /** @description Present while the instance is split in two lanes (a slow model under load) */
            lanes?: components["schemas"]["InstanceLanesDto"];
            /**
             * @description Runs on the HTTP thread, without a worker (the inline setting)
             * @example true
             */
            inline?: boolean;
            /**
             * @description Batches sent to it and not answered yet
             * @example 0
             */
            inFlightBatches: number;
        };
        ObservedRequestsDto: {
            /**
             * @description Taken into the queue
             * @example 1200
             */
            accepted: number;
            /**
             * @description Answered with outputs
             * @example 1195
             */
            completed: number;
            /**
             * @description Failed in the engine, or lost with a worker
             * @example 0
             */
            failed: number;
            /**
             * @description Refused with 429: the queue already held maxQueueSize requests
             * @example 2
             */
            refusedQueueFull: number;
            /**
             * @description Answered 504 while still queued: never computed
             * @example 3
             */
            deadlineExceededQueued: number;
            /**
             * @description Answered 504 while their batch ran: the result was discarded
             * @example 0
             */
            deadlineExceededComputing: number;
            /**
             * @description Answered 504 while they waited to be retried apart (see retriedApart): the batch they were joined in ran and failed, and their deadline passed before they were run again
             * @example 0
             */
            deadlineExceededRetrying: number;
            /**
             * @description Times a request was queued again, in a smaller group, because the engine failed the batch it was joined in: the request at fault then fails alone and the others are answered (each halving counts its members again)
             * @example 0
             */
            retriedApart: number;
        };
        QueueDepthDto: {
            /** @example 0 */
            online: number;
            /**
             * @description Requests marked batch priority, which wait while online ones are queued
             * @example 0
             */
            batch: number;
        };
        ObservedServingDto: {
            /** @description Requests by outcome */
            requests: components["schemas"]["ObservedRequestsDto"];
            /**
             * @description Engine calls: the batches computed
             * @example 160
             */
            engineCalls: number;
            /**
             * @description Requests per engine call on average; null before the first call
             * @example 7.47
             */
            meanBatchSize: number | null;
            /**
             * @description Requests joined per engine call -> engine calls that joined that many (all 1: nothing was batched)
             * @example {
             *       "1": 40,
             *       "8": 100,
             *       "32": 20
             *     }
             */
            batchSizes: {
                [key: string]: number;
            };
            /** @description Requests waiting now, by priority */
            queueDepth: components["schemas"]["QueueDepthDto"];
        };
        ServingDto: {
            /**
             * @description State in this server process
             * @example ready
             * @enum {string}
             */
            state: "ready" | "loading" | "unavailable" | "not loaded";
            batching?: components["schemas"]["BatchingStateDto"];
            /** @description Where its engine calls run (the version config's inline setting), once loaded */
            execution?: components["schemas"]["ExecutionStateDto"];
            /** @description Its instances as they are now, once loaded: device, threads, lanes */
            instances?: components["schemas"]["InstanceStateDto"][];
            /** @description What this server process has served of the version since it was last loaded (at start, upload, or a config change): requests by outcome, and how many each engine call joined */
            observed?: components["schemas"]["ObservedServingDto"];
            /** @description Why the version is not serving */
            reason?: string;
        };
        VersionDto: {
            /** @example iris */
            model: string;
            /** @example 2 */
            version: number;
            /**
             * @example ready
             * @enum {string}
             */
            status: "validating" | "ready" | "failed" | "retired";
            /** @description Why the version failed */
            statusDetail?: string;
            /**
             * @example onnx
             * @enum {string}
             */
            format: "onnx" | "tfjs-graph" | "tfjs-layers" | "tf-savedmodel";
            signature: components["schemas"]["SignatureDto"];
            config: components["schemas"]["VersionConfigDto"];
            artifact: components["schemas"]["ArtifactDto"];
            /** @example onnxruntime-node 1.30.0 (cpu) */
            engine: string | null;
            /** @description How this server serves the version now: loaded or not, how it batches */
            serving: components["schemas"]["ServingDto"];
            /** @example  */
            description: string;
            createdAt: string;
        };
        UpdateVersionDto: {
            /** @example retrained on November data */
            description?: string;
            /** @description Serving settings; the version is reloaded with them without a restart */
            config?: components["schemas"]["VersionConfigDto"];
            /**
             * @description retired: stop serving the version but keep it in the registry
             * @enum {string}
             */
            status?: "ready" | "retired";
        };
        RouteStateDto: {
            /** @example 2 */
            version: number;
            /**
             * @description Percent of unpinned requests, a whole number 0-100; the routes sum to 100
             * @example 10
             */
            weight: number;
            /**
             * @description Whether this server can answer with the version now
             * @enum {string}
             */
            serving: "loading" | "ready" | "unavailable" | "not loaded";
        };
        ShadowDto: {
            /** @example 3 */
            version: number;
            /**
             * @description Percent of unpinned requests copied to the shadow after they are answered, above 0 and up to 100
             * @example 10
             */
            percent: number;
        };
        FallbackDto: {
            /**
             * @description The version that answers when the routed one is overloaded or failing
             * @example 1
             */
            version: number;
            /**
             * @description Consecutive failures of a routed version that open its circuit
             * @default 5
             * @example 5
             */
            errorThreshold?: number;
            /**
             * @description Seconds an open circuit sends that version's traffic to the fallback before trying it again
             * @default 30
             * @example 30
             */
            openSeconds?: number;
        };
        PlanGatesDto: {
            /**
             * @description Largest share of the canary's requests answered with a server error (0.01 = 1%)
             * @example 0.01
             */
            maxErrorRate?: number;
            /**
             * @description Largest amount by which the canary's error rate may exceed stable's
             * @example 0.005
             */
            maxErrorRateIncrease?: number;
            /**
             * @description Largest canary p95 latency, ms
             * @example 50
             */
            maxP95Ms?: number;
            /**
             * @description Largest canary p99 latency, ms
             * @example 100
             */
            maxP99Ms?: number;
            /**
             * @description Largest canary p95 over stable's p95 (1.5: at most 50% slower)
             * @example 1.5
             */
            maxLatencyRatio?: number;
            /**
             * @description Largest canary p99 over stable's p99 (2: at most twice as slow in the tail)
             * @example 2
             */
            maxP99Ratio?: number;
        };
        PlanDto: {
            /**
             * @description The canary's weights, increasing, ending at 100 (reaching 100 promotes it)
             * @example [
             *       5,
             *       25,
             *       50,
             *       100
             *     ]
             */
            steps: number[];
            /**
             * @description Canary requests a step needs before it can pass and before its gates are judged
             * @default 100
             * @example 100
             */
            minRequests?: number;
            /**
             * @description Seconds each step lasts at least
             * @default 60
             * @example 300
             */
            minDurationSeconds?: number;
            gates?: components["schemas"]["PlanGatesDto"];
        };
        GateFiguresDto: {
            requests: number;
            errors: number;
            errorRate: number | null;
            p95Ms: number | null;
            p99Ms: number | null;
        };
        PlanStateDto: {
            /** @enum {string} */
            status: "running" | "paused" | "promoted" | "rolled-back" | "aborted";
            /** @description Index of the current step in plan.steps */
            step: number;
            /** @description Weight of the current step */
            weight: number;
            stepStartedAt: string;
            reason?: string;
            canary?: components["schemas"]["GateFiguresDto"];
            stable?: components["schemas"]["GateFiguresDto"];
            checkedAt?: string;
        };
        PlanEvaluationDto: {
            /** @description The deployment revision it judged */
            revision: number;
            step: number;
            checkedAt: string;
            /** @description The canary's figures since the step started (this server's share of traffic) */
            canary: components["schemas"]["GateFiguresDto"];
            /** @description Stable's figures over the same time */
            stable: components["schemas"]["GateFiguresDto"];
            /** @enum {string} */
            decision: "wait" | "advance" | "promote" | "rollback";
            /** @example step 1 of 3 (5%) has 12 of the 20 canary requests it needs */
            reason: string;
        };
        DeploymentDto: {
            /** @example iris */
            model: string;
            /** @description Bumped by every change */
            revision: number;
            routes: components["schemas"]["RouteStateDto"][];
            stable: number | null;
            canary: number | null;
            /** @description Where a rollback goes back to */
            previousStable: number | null;
            shadow: components["schemas"]["ShadowDto"] | null;
            fallback: components["schemas"]["FallbackDto"] | null;
            /** @enum {string} */
            sticky: "header" | "key" | "none";
            plan: components["schemas"]["PlanDto"] | null;
            planState: components["schemas"]["PlanStateDto"] | null;
            /** @description A running plan's latest evaluation on this server: the canary against stable, and what the step still needs */
            evaluation?: components["schemas"]["PlanEvaluationDto"];
            updatedAt: string;
            updatedBy: string | null;
        };
        RouteDto: {
            /** @example 2 */
            version: number;
            /**
             * @description Percent of unpinned requests, a whole number 0-100; the routes sum to 100
             * @example 10
             */
            weight: number;
        };
        PutDeploymentDto: {
            /**
             * @example [
             *       {
             *         "version": 1,
             *         "weight": 95
             *       },
             *       {
             *         "version": 2,
             *         "weight": 5
             *       }
             *     ]
             */
            routes: components["schemas"]["RouteDto"][];
            /**
             * @description The version labelled stable; by default the one stable already was, if still routed, else the heaviest route
             * @example 1
             */
            stable?: number;
            /**
             * @description The version labelled canary; by default the other route when there are exactly two
             * @example 2
             */
            canary?: number;
            shadow?: components["schemas"]["ShadowDto"];
            fallback?: components["schemas"]["FallbackDto"];
            /** @description Progressive delivery of the canary: routes must then be stable and canary, the canary at the first step */
            plan?: components["schemas"]["PlanDto"];
            /**
             * @description header: clients sending X-Routing-Key keep their version; key: that header or else the calling key; none: never sticky
             * @default header
             * @enum {string}
             */
            sticky?: "header" | "key" | "none";
            /**
             * @description Why, kept in the history
             * @example v2 passed offline evaluation
             */
            reason?: string;
        };
        PatchDeploymentDto: {
            /** @description Copy a share of unpinned requests to a version that is not routed; null stops shadowing */
            shadow?: components["schemas"]["ShadowDto"] | null;
            /** @description The version that answers when a routed one is failing or overloaded; null removes it */
            fallback?: components["schemas"]["FallbackDto"] | null;
            /**
             * @description header: clients sending X-Routing-Key keep their version; key: that header or else the calling key; none: never sticky
             * @enum {string}
             */
            sticky?: "header" | "key" | "none";
            /**
             * @description Why, kept in the history
             * @example compare v3 on live traffic before its canary
             */
            reason?: string;
        };
        RolloutActionDto: {
            /**
             * @description Why, kept in the history
             * @example p99 regression seen on the dashboard
             */
            reason?: string;
        };
        RolloutEventDto: {
            id: string;
            at: string;
            revision: number;
            /**
             * @description Who: key:<id>, operator:<name>, or system:plan (the progressive plan itself)
             * @example operator:alice
             */
            actor: string;
            /**
             * @description deployment.update, deployment.options, deployment.promote, deployment.rollback, plan.advance, plan.promote, plan.rollback, plan.pause, plan.resume, plan.abort
             * @example deployment.update
             */
            action: string;
            reason: string | null;
            /** @description The deployment as this change left it */
            deployment: components["schemas"]["DeploymentDto"];
            /** @description The figures behind a plan decision */
            details?: {
                [key: string]: unknown;
            };
        };
        RolloutHistoryDto: {
            items: components["schemas"]["RolloutEventDto"][];
            total: number;
        };
        DeploymentListDto: {
            /** @description Deployments by model name; a model without one is not listed (its unpinned requests go to its latest ready version) */
            items: components["schemas"]["DeploymentDto"][];
            /** @description Deployments in all (of the models the key may see) */
            total: number;
        };
        ShadowFiguresDto: {
            /**
             * @description Copies whose answer was compared with the primary's
             * @example 1200
             */
            requests: number;
            /**
             * @description Classifier rows compared by their top-1 class (float outputs [batch, classes], integer or string labels [batch])
             * @example 1200
             */
            rows: number;
            /**
             * @description Of those, rows where the shadow picked the same class
             * @example 1188
             */
            agreeingRows: number;
            /**
             * @description agreeingRows / rows; null without classifier rows
             * @example 0.99
             */
            agreementRate: number | null;
            /**
             * @description Numeric output values compared (classifier scores included; labels not)
             * @example 3600
             */
            values: number;
            /**
             * @description Mean absolute difference of those values; null without values
             * @example 0.0042
             */
            meanAbsDiff: number | null;
            /**
             * @description Largest absolute difference; null without values
             * @example 0.21
             */
            maxAbsDiff: number | null;
            /**
             * @description Copies that failed: the shadow errored, missed its deadline, or answered with outputs of another shape
             * @example 2
             */
            errors: number;
            /**
             * @description Copies picked by the percentage but not run: the shadow was not ready, or its load was at its bound
             * @example 15
             */
            dropped: number;
        };
        ShadowPointDto: {
            /**
             * @description Copies whose answer was compared with the primary's
             * @example 1200
             */
            requests: number;
            /**
             * @description Classifier rows compared by their top-1 class (float outputs [batch, classes], integer or string labels [batch])
             * @example 1200
             */
            rows: number;
            /**
             * @description Of those, rows where the shadow picked the same class
             * @example 1188
             */
            agreeingRows: number;
            /**
             * @description agreeingRows / rows; null without classifier rows
             * @example 0.99
             */
            agreementRate: number | null;
            /**
             * @description Numeric output values compared (classifier scores included; labels not)
             * @example 3600
             */
            values: number;
            /**
             * @description Mean absolute difference of those values; null without values
             * @example 0.0042
             */
            meanAbsDiff: number | null;
            /**
             * @description Largest absolute difference; null without values
             * @example 0.21
             */
            maxAbsDiff: number | null;
            /**
             * @description Copies that failed: the shadow errored, missed its deadline, or answered with outputs of another shape
             * @example 2
             */
            errors: number;
            /**
             * @description Copies picked by the percentage but not run: the shadow was not ready, or its load was at its bound
             * @example 15
             */
            dropped: number;
            /**
             * @description Start of the minute
             * @example 2025-11-23T10:00:00.000Z
             */
            time: string;
        };
        ShadowPairDto: {
            /**
             * @description The version that answered the clients
             * @example 1
             */
            primaryVersion: number;
            /**
             * @description The shadow version their requests were copied to
             * @example 2
             */
            shadowVersion: number;
            /** @description Over the whole range */
            totals: components["schemas"]["ShadowFiguresDto"];
            /** @description One point per minute with shadow traffic, oldest first */
            points: components["schemas"]["ShadowPointDto"][];
        };
        ShadowComparisonsDto: {
            /** @example iris */
            model: string;
            /** @example 2025-11-23T10:00:00.000Z */
            from: string;
            /** @example 2025-11-23T11:00:00.000Z */
            to: string;
            /** @description The deployment's shadow now; null when it has none */
            shadow: components["schemas"]["ShadowDto"] | null;
            /** @description Each (primary, shadow) pair with copies in the range, from every replica */
            comparisons: components["schemas"]["ShadowPairDto"][];
        };
        SubmitJobBodyDto: {
            /**
             * Format: binary
             * @description JSON Lines (.jsonl, .ndjson: one instance per line, as one entry of TF Serving's "instances") or CSV (.csv: one row of numbers per instance, for a model with one input; a header line is skipped)
             */
            file: string;
            /**
             * @description The version to score with; default: the version the model's traffic goes to (its stable version)
             * @example 2
             */
            version?: string;
            /**
             * @description The file's format, when its name does not end in .jsonl, .ndjson or .csv
             * @enum {string}
             */
            format?: "jsonl" | "csv";
        };
        JobDto: {
            /** @example 0b9c6f1e-4c1a-4f5e-9a57-3c2d1e0f9a8b */
            id: string;
            /** @example iris */
            model: string;
            /**
             * @description The version that scores every row (pinned when the job was submitted)
             * @example 1
             */
            version: number;
            /**
             * @description queued, running, then succeeded, failed or cancelled
             * @example running
             * @enum {string}
             */
            status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
            /**
             * @example jsonl
             * @enum {string}
             */
            format: "jsonl" | "csv";
            /** @example customers.jsonl */
            filename: string | null;
            /**
             * @description Size of the input file in bytes
             * @example 48213
             */
            inputBytes: number;
            /**
             * @description Rows in the input file
             * @example 1000
             */
            totalRows: number;
            /**
             * @description Rows scored so far (each has a line in the results)
             * @example 250
             */
            processedRows: number;
            /**
             * @description Scored rows whose line is an error
             * @example 0
             */
            failedRows: number;
            /** @description Why the job failed */
            error: string | null;
            /**
             * @description The credential that submitted it
             * @example key:a1b2c3d4
             */
            createdBy: string;
            /** @example 2026-12-07T10:00:00.000Z */
            createdAt: string;
            /** @example 2026-12-07T10:00:01.000Z */
            startedAt: string | null;
            /** @example null */
            finishedAt: string | null;
            /**
             * @description When the finished job and its results are deleted (MODELGATE_JOB_RETENTION_DAYS after it finished); null while it runs, or where finished jobs are kept
             * @example null
             */
            expiresAt: string | null;
            /**
             * @description Where the results are, once the job has ended
             * @example /api/jobs/0b9c6f1e-4c1a-4f5e-9a57-3c2d1e0f9a8b/results
             */
            resultsUrl: string | null;
        };
        JobPageDto: {
            items: components["schemas"]["JobDto"][];
            /** @description Pass as `cursor` for the next page; null on the last page */
            nextCursor: string | null;
        };
        LivenessDto: {
            /**
             * @example ok
             * @enum {string}
             */
            status: "ok";
        };
        ReadinessChecksDto: {
            /**
             * @description The database answers
             * @example true
             */
            database: boolean;
            /**
             * @description No migration is pending
             * @example true
             */
            migrations: boolean;
            /**
             * @description Every version that should serve here is loaded
             * @example true
             */
            models: boolean;
        };
        ReadinessDto: {
            /** @example true */
            ready: boolean;
            checks: components["schemas"]["ReadinessChecksDto"];
        };
        V2LiveDto: {
            /** @example true */
            live: boolean;
        };
        V2ReadyDto: {
            /** @example true */
            ready: boolean;
        };
        SeriesPointDto: {
            /**
             * @description Start of the step
             * @example 2025-11-23T10:00:00.000Z
             */
            time: string;
            /**
             * @description Requests that reached this version in the step
             * @example 1200
             */
            requests: number;
            /**
             * @description Of those, answered with a 5xx status
             * @example 3
             */
            errors: number;
            /**
             * @description Requests per second over the step
             * @example 20
             */
            requestRate: number;
            /**
             * @description errors / requests; null without requests
             * @example 0.0025
             */
            errorRate: number | null;
            /**
             * @description Median whole-request latency, ms (interpolated within the histogram bucket)
             * @example 4.2
             */
            p50Ms: number | null;
            /** @example 9.8 */
            p95Ms: number | null;
            /** @example 15.1 */
            p99Ms: number | null;
            /**
             * @description Mean latency, ms
             * @example 5
             */
            meanMs: number | null;
        };
        VersionSeriesDto: {
            /** @example 2 */
            version: number;
            /** @description One point per step from `from` to `to` */
            points: components["schemas"]["SeriesPointDto"][];
        };
        ModelSeriesDto: {
            /** @example iris */
            model: string;
            /** @example 2025-11-23T10:00:00.000Z */
            from: string;
            /** @example 2025-11-23T11:00:00.000Z */
            to: string;
            /**
             * @description Seconds per point
             * @example 60
             */
            step: number;
            /** @description Versions with requests in the range, and those serving now */
            versions: components["schemas"]["VersionSeriesDto"][];
        };
        BaselineInfoDto: {
            /**
             * @description Rows in the baseline (while collecting: rows so far)
             * @example 1000
             */
            rows: number;
            /** @example 2025-11-23T10:00:00.000Z */
            startedAt: string | null;
            /** @example 2025-11-23T10:20:00.000Z */
            completedAt: string | null;
        };
        CurrentInfoDto: {
            /**
             * @description Sampled rows in the compared window
             * @example 4200
             */
            rows: number;
            from: string | null;
            to: string | null;
        };
        MeanStdDto: {
            /** @example 5.84 */
            mean: number | null;
            /**
             * @description Standard deviation
             * @example 0.83
             */
            std: number | null;
        };
        FeatureDriftDto: {
            /**
             * @description Element j of a tensor (`x[j]`), a large tensor's row summary (`pixels:mean`, `pixels:std`), or an output's predicted class (`probabilities:class`)
             * @example x[0]
             */
            name: string;
            /** @enum {string} */
            source: "input" | "output";
            /**
             * @description Numeric features use ten bins at the baseline deciles; categorical ones one bin per class
             * @enum {string}
             */
            kind: "numeric" | "categorical";
            /**
             * @description Population stability index of the current window against the baseline
             * @example 0.031
             */
            psi: number | null;
            /**
             * @description PSI over MODELGATE_DRIFT_PSI_THRESHOLD with at least MODELGATE_DRIFT_MIN_ROWS current rows
             * @example false
             */
            drifted: boolean;
            baseline: components["schemas"]["MeanStdDto"];
            current: components["schemas"]["MeanStdDto"];
        };
        VersionDriftDto: {
            /** @example 1 */
            version: number;
            /** @enum {string} */
            status: "collecting_baseline" | "insufficient_data" | "stable" | "drift";
            /**
             * @description Any feature drifted
             * @example false
             */
            drifted: boolean;
            /** @example 0.05 */
            maxPsi: number | null;
            baseline: components["schemas"]["BaselineInfoDto"];
            current: components["schemas"]["CurrentInfoDto"];
            features: components["schemas"]["FeatureDriftDto"][];
        };
        ModelDriftDto: {
            /** @example iris */
            model: string;
            /**
             * @description PSI above which a feature counts as drifted
             * @example 0.2
             */
            threshold: number;
            /** @example 24 */
            windowHours: number;
            /** @description Every version serving on this server */
            versions: components["schemas"]["VersionDriftDto"][];
        };
        LoggedTensorDto: {
            /** @example features */
            name: string;
            /** @example FP32 */
            datatype: string;
            /**
             * @example [
             *       1,
             *       4
             *     ]
             */
            shape: number[];
            /**
             * @description Row-major values (64-bit integers as strings, BYTES as base64); null for outputs too large to keep
             * @example [
             *       5.1,
             *       3.5,
             *       1.4,
             *       0.2
             *     ]
             */
            data: (number | string)[] | null;
        };
        LoggedPayloadDto: {
            /** @example 0b7f9a52-3c1e-4f0e-9a57-2d1c8e4b6f10 */
            id: string;
            /** @example 1 */
            version: number;
            /** @example 2025-11-23T10:00:00.000Z */
            at: string;
            inputs: components["schemas"]["LoggedTensorDto"][];
            outputs: components["schemas"]["LoggedTensorDto"][];
        };
        ModelPayloadsDto: {
            /** @example iris */
            model: string;
            /**
             * @description Whether payload logging is on for this model (MODELGATE_PAYLOAD_LOG_MODELS)
             * @example true
             */
            logging: boolean;
            /**
             * @description Kept requests are deleted after this many hours
             * @example 24
             */
            retentionHours: number;
            /** @description Newest first */
            items: components["schemas"]["LoggedPayloadDto"][];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    AuditController_list: {
        parameters: {
            query?: {
                /** @description Exact actor: key:<id>, operator:<username>, system:<what> or anonymous */
                actor?: string;
                /** @description Exact action, or a prefix ending in * */
                action?: string;
                /** @description Exact target, or a prefix ending in * (e.g. version:iris/*) */
                target?: string;
                /** @description Entries at or after this time */
                from?: string;
                /** @description Entries before this time */
                to?: string;
                /** @description nextCursor of the previous page */
                cursor?: string;
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of entries, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditPageDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    KeysController_list: {
        parameters: {
            query?: {
                limit?: string;
                offset?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The keys, never their secrets */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyListDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Too many requests; retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    KeysController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateKeyDto"];
            };
        };
        responses: {
            /** @description The key: its secret is shown this once */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedKeyDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Too many requests; retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    KeysController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Too many requests; retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    KeysController_rotate: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotateKeyDto"];
            };
        };
        responses: {
            /** @description The key with its new secret, shown this once */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedKeyDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Conflict, e.g. a name already taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Too many requests; retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    AuthController_logIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginDto"];
            };
        };
        responses: {
            /** @description Logged in: the session cookie is set */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Too many requests; retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    AuthController_logOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Logged out: the cookie is cleared */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    AuthController_session: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The session */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    AuthController_changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangePasswordDto"];
            };
        };
        responses: {
            /** @description Changed; your other sessions have ended */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Too many requests; retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    OperatorsController_list: {
        parameters: {
            query?: {
                limit?: string;
                offset?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The accounts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OperatorListDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    OperatorsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateOperatorDto"];
            };
        };
        responses: {
            /** @description The account, created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OperatorDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Conflict, e.g. a name already taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    OperatorsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                username: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateOperatorDto"];
            };
        };
        responses: {
            /** @description The account as changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OperatorDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Conflict, e.g. a name already taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    V2Controller_serverMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The server, its version and the protocol extensions it serves */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2ServerMetadataDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    V2Controller_statistics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Counts and nanoseconds since each version was last loaded here */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "model_stats": [
                     *         {
                     *           "name": "iris",
                     *           "version": "1",
                     *           "last_inference": 1796601600000,
                     *           "inference_count": 40,
                     *           "execution_count": 12,
                     *           "inference_stats": {
                     *             "success": {
                     *               "count": 40,
                     *               "ns": 21400000
                     *             },
                     *             "fail": {
                     *               "count": 0,
                     *               "ns": 0
                     *             },
                     *             "queue": {
                     *               "count": 40,
                     *               "ns": 9800000
                     *             },
                     *             "compute_input": {
                     *               "count": 40,
                     *               "ns": 0
                     *             },
                     *             "compute_infer": {
                     *               "count": 40,
                     *               "ns": 11600000
                     *             },
                     *             "compute_output": {
                     *               "count": 40,
                     *               "ns": 0
                     *             },
                     *             "cache_hit": {
                     *               "count": 0,
                     *               "ns": 0
                     *             }
                     *           },
                     *           "batch_stats": [
                     *             {
                     *               "batch_size": 1,
                     *               "compute_input": {
                     *                 "count": 8,
                     *                 "ns": 0
                     *               },
                     *               "compute_infer": {
                     *                 "count": 8,
                     *                 "ns": 2000000
                     *               },
                     *               "compute_output": {
                     *                 "count": 8,
                     *                 "ns": 0
                     *               }
                     *             },
                     *             {
                     *               "batch_size": 8,
                     *               "compute_input": {
                     *                 "count": 4,
                     *                 "ns": 0
                     *               },
                     *               "compute_infer": {
                     *                 "count": 4,
                     *                 "ns": 1200000
                     *               },
                     *               "compute_output": {
                     *                 "count": 4,
                     *                 "ns": 0
                     *               }
                     *             }
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["V2StatisticsDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    V2Controller_modelStatistics: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Counts and nanoseconds since each version was last loaded here */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "model_stats": [
                     *         {
                     *           "name": "iris",
                     *           "version": "1",
                     *           "last_inference": 1796601600000,
                     *           "inference_count": 40,
                     *           "execution_count": 12,
                     *           "inference_stats": {
                     *             "success": {
                     *               "count": 40,
                     *               "ns": 21400000
                     *             },
                     *             "fail": {
                     *               "count": 0,
                     *               "ns": 0
                     *             },
                     *             "queue": {
                     *               "count": 40,
                     *               "ns": 9800000
                     *             },
                     *             "compute_input": {
                     *               "count": 40,
                     *               "ns": 0
                     *             },
                     *             "compute_infer": {
                     *               "count": 40,
                     *               "ns": 11600000
                     *             },
                     *             "compute_output": {
                     *               "count": 40,
                     *               "ns": 0
                     *             },
                     *             "cache_hit": {
                     *               "count": 0,
                     *               "ns": 0
                     *             }
                     *           },
                     *           "batch_stats": [
                     *             {
                     *               "batch_size": 1,
                     *               "compute_input": {
                     *                 "count": 8,
                     *                 "ns": 0
                     *               },
                     *               "compute_infer": {
                     *                 "count": 8,
                     *                 "ns": 2000000
                     *               },
                     *               "compute_output": {
                     *                 "count": 8,
                     *                 "ns": 0
                     *               }
                     *             },
                     *             {
                     *               "batch_size": 8,
                     *               "compute_input": {
                     *                 "count": 4,
                     *                 "ns": 0
                     *               },
                     *               "compute_infer": {
                     *                 "count": 4,
                     *                 "ns": 1200000
                     *               },
                     *               "compute_output": {
                     *                 "count": 4,
                     *                 "ns": 0
                     *               }
                     *             }
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["V2StatisticsDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    V2Controller_versionStatistics: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Counts and nanoseconds since each version was last loaded here */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "model_stats": [
                     *         {
                     *           "name": "iris",
                     *           "version": "1",
                     *           "last_inference": 1796601600000,
                     *           "inference_count": 40,
                     *           "execution_count": 12,
                     *           "inference_stats": {
                     *             "success": {
                     *               "count": 40,
                     *               "ns": 21400000
                     *             },
                     *             "fail": {
                     *               "count": 0,
                     *               "ns": 0
                     *             },
                     *             "queue": {
                     *               "count": 40,
                     *               "ns": 9800000
                     *             },
                     *             "compute_input": {
                     *               "count": 40,
                     *               "ns": 0
                     *             },
                     *             "compute_infer": {
                     *               "count": 40,
                     *               "ns": 11600000
                     *             },
                     *             "compute_output": {
                     *               "count": 40,
                     *               "ns": 0
                     *             },
                     *             "cache_hit": {
                     *               "count": 0,
                     *               "ns": 0
                     *             }
                     *           },
                     *           "batch_stats": [
                     *             {
                     *               "batch_size": 1,
                     *               "compute_input": {
                     *                 "count": 8,
                     *                 "ns": 0
                     *               },
                     *               "compute_infer": {
                     *                 "count": 8,
                     *                 "ns": 2000000
                     *               },
                     *               "compute_output": {
                     *                 "count": 8,
                     *                 "ns": 0
                     *               }
                     *             },
                     *             {
                     *               "batch_size": 8,
                     *               "compute_input": {
                     *                 "count": 4,
                     *                 "ns": 0
                     *               },
                     *               "compute_infer": {
                     *                 "count": 4,
                     *                 "ns": 1200000
                     *               },
                     *               "compute_output": {
                     *                 "count": 4,
                     *                 "ns": 0
                     *               }
                     *             }
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["V2StatisticsDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Not ready or overloaded */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    V2Controller_modelConfig: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The configuration in Triton's shape */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "name": "iris",
                     *       "platform": "onnxruntime_onnx",
                     *       "backend": "onnxruntime",
                     *       "version_policy": {
                     *         "specific": {
                     *           "versions": [
                     *             1
                     *           ]
                     *         }
                     *       },
                     *       "max_batch_size": 32,
                     *       "input": [
                     *         {
                     *           "name": "features",
                     *           "data_type": "TYPE_FP32",
                     *           "dims": [
                     *             4
                     *           ]
                     *         }
                     *       ],
                     *       "output": [
                     *         {
                     *           "name": "probabilities",
                     *           "data_type": "TYPE_FP32",
                     *           "dims": [
                     *             3
                     *           ]
                     *         }
                     *       ],
                     *       "instance_group": [
                     *         {
                     *           "name": "iris_0",
                     *           "kind": "KIND_CPU",
                     *           "count": 1,
                     *           "gpus": []
                     *         }
                     *       ],
                     *       "dynamic_batching": {
                     *         "max_queue_delay_microseconds": 1000,
                     *         "preserve_ordering": false,
                     *         "priority_levels": 2,
                     *         "default_priority_level": 1,
                     *         "default_queue_policy": {
                     *           "timeout_action": "REJECT",
                     *           "default_timeout_microseconds": 30000000,
                     *           "allow_timeout_override": true,
                     *           "max_queue_size": 1024
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["V2ModelConfigDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Not ready or overloaded */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    V2Controller_versionConfig: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The configuration in Triton's shape */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "name": "iris",
                     *       "platform": "onnxruntime_onnx",
                     *       "backend": "onnxruntime",
                     *       "version_policy": {
                     *         "specific": {
                     *           "versions": [
                     *             1
                     *           ]
                     *         }
                     *       },
                     *       "max_batch_size": 32,
                     *       "input": [
                     *         {
                     *           "name": "features",
                     *           "data_type": "TYPE_FP32",
                     *           "dims": [
                     *             4
                     *           ]
                     *         }
                     *       ],
                     *       "output": [
                     *         {
                     *           "name": "probabilities",
                     *           "data_type": "TYPE_FP32",
                     *           "dims": [
                     *             3
                     *           ]
                     *         }
                     *       ],
                     *       "instance_group": [
                     *         {
                     *           "name": "iris_0",
                     *           "kind": "KIND_CPU",
                     *           "count": 1,
                     *           "gpus": []
                     *         }
                     *       ],
                     *       "dynamic_batching": {
                     *         "max_queue_delay_microseconds": 1000,
                     *         "preserve_ordering": false,
                     *         "priority_levels": 2,
                     *         "default_priority_level": 1,
                     *         "default_queue_policy": {
                     *           "timeout_action": "REJECT",
                     *           "default_timeout_microseconds": 30000000,
                     *           "allow_timeout_override": true,
                     *           "max_queue_size": 1024
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["V2ModelConfigDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Not ready or overloaded */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    V2Controller_modelMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The signature: inputs and outputs with their datatypes and shapes */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2ModelMetadataDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Not ready or overloaded */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    V2Controller_versionMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The signature: inputs and outputs with their datatypes and shapes */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2ModelMetadataDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Not ready or overloaded */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    V2Controller_modelReady: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready: a version can answer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2ModelReadyDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Not ready or overloaded */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    V2Controller_versionReady: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready: a version can answer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2ModelReadyDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Not ready or overloaded */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    V2Controller_infer: {
        parameters: {
            query?: never;
            header?: {
                /** @description A client or session id: while the deployment's weights stay the same, the same key gets the same version (sticky routing). */
                "X-Routing-Key"?: string;
                /** @description Milliseconds (1 to 3600000) this request may take; it can only shorten the version's default deadline. Past it the answer is 504 and, if still queued, the request is never computed. */
                "X-Request-Timeout-Ms"?: string;
                /** @description "online" (the default), or "batch" for bulk work: a batch request waits while online requests for the same version are queued. */
                "X-Request-Priority"?: "online" | "batch";
                /** @description Binary tensor data extension: the byte length of the JSON part at the start of the body; absent for a JSON body */
                "Inference-Header-Content-Length"?: number;
            };
            path: {
                name: string;
            };
            cookie?: never;
        };
        /** @description JSON, or application/octet-stream: Binary tensor data extension: the JSON (this operation's JSON schema), whose length the Inference-Header-Content-Length header gives, then the raw little-endian bytes of each tensor marked with parameters.binary_data_size, in order (BYTES elements each after a 4-byte length). */
        requestBody: {
            content: {
                "application/json": components["schemas"]["V2InferenceRequestDto"];
                "application/octet-stream": string;
            };
        };
        responses: {
            /** @description JSON; or, where outputs were asked for as binary data, application/octet-stream: Binary tensor data extension: the JSON (this operation's JSON schema), whose length the Inference-Header-Content-Length header gives, then the raw little-endian bytes of each tensor marked with parameters.binary_data_size, in order (BYTES elements each after a 4-byte length). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2InferenceResponseDto"];
                    "application/octet-stream": string;
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Body or file over the size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Too many requests; retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Not ready or overloaded */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The request deadline passed */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    V2Controller_inferVersion: {
        parameters: {
            query?: never;
            header?: {
                /** @description Milliseconds (1 to 3600000) this request may take; it can only shorten the version's default deadline. Past it the answer is 504 and, if still queued, the request is never computed. */
                "X-Request-Timeout-Ms"?: string;
                /** @description "online" (the default), or "batch" for bulk work: a batch request waits while online requests for the same version are queued. */
                "X-Request-Priority"?: "online" | "batch";
                /** @description Binary tensor data extension: the byte length of the JSON part at the start of the body; absent for a JSON body */
                "Inference-Header-Content-Length"?: number;
            };
            path: {
                name: string;
                version: string;
            };
            cookie?: never;
        };
        /** @description JSON, or application/octet-stream: Binary tensor data extension: the JSON (this operation's JSON schema), whose length the Inference-Header-Content-Length header gives, then the raw little-endian bytes of each tensor marked with parameters.binary_data_size, in order (BYTES elements each after a 4-byte length). */
        requestBody: {
            content: {
                "application/json": components["schemas"]["V2InferenceRequestDto"];
                "application/octet-stream": string;
            };
        };
        responses: {
            /** @description JSON; or, where outputs were asked for as binary data, application/octet-stream: Binary tensor data extension: the JSON (this operation's JSON schema), whose length the Inference-Header-Content-Length header gives, then the raw little-endian bytes of each tensor marked with parameters.binary_data_size, in order (BYTES elements each after a 4-byte length). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2InferenceResponseDto"];
                    "application/octet-stream": string;
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Body or file over the size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Too many requests; retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Not ready or overloaded */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The request deadline passed */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    TfServingController_predict: {
        parameters: {
            query?: never;
            header?: {
                /** @description A client or session id: while the deployment's weights stay the same, the same key gets the same version (sticky routing). */
                "X-Routing-Key"?: string;
                /** @description Milliseconds (1 to 3600000) this request may take; it can only shorten the version's default deadline. Past it the answer is 504 and, if still queued, the request is never computed. */
                "X-Request-Timeout-Ms"?: string;
                /** @description "online" (the default), or "batch" for bulk work: a batch request waits while online requests for the same version are queued. */
                "X-Request-Priority"?: "online" | "batch";
            };
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TfPredictRequestDto"];
            };
        };
        responses: {
            /** @description predictions for the row format, outputs for the columnar one */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TfPredictResponseDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Body or file over the size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Too many requests; retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Not ready or overloaded */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The request deadline passed */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    TfServingController_predictVersion: {
        parameters: {
            query?: never;
            header?: {
                /** @description Milliseconds (1 to 3600000) this request may take; it can only shorten the version's default deadline. Past it the answer is 504 and, if still queued, the request is never computed. */
                "X-Request-Timeout-Ms"?: string;
                /** @description "online" (the default), or "batch" for bulk work: a batch request waits while online requests for the same version are queued. */
                "X-Request-Priority"?: "online" | "batch";
            };
            path: {
                name: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TfPredictRequestDto"];
            };
        };
        responses: {
            /** @description predictions for the row format, outputs for the columnar one */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TfPredictResponseDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Body or file over the size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Too many requests; retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Not ready or overloaded */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The request deadline passed */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    TfServingController_predictLabel: {
        parameters: {
            query?: never;
            header?: {
                /** @description Milliseconds (1 to 3600000) this request may take; it can only shorten the version's default deadline. Past it the answer is 504 and, if still queued, the request is never computed. */
                "X-Request-Timeout-Ms"?: string;
                /** @description "online" (the default), or "batch" for bulk work: a batch request waits while online requests for the same version are queued. */
                "X-Request-Priority"?: "online" | "batch";
            };
            path: {
                name: string;
                label: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TfPredictRequestDto"];
            };
        };
        responses: {
            /** @description predictions for the row format, outputs for the columnar one */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TfPredictResponseDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Body or file over the size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Too many requests; retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Not ready or overloaded */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The request deadline passed */
            504: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    "TfServingController_classify[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    "TfServingController_classify[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    "TfServingController_classify[2]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    "TfServingController_regress[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    "TfServingController_regress[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    "TfServingController_regress[2]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    TfServingController_status: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The state of each version, as TF Serving reports it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TfModelStatusDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    TfServingController_versionStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The state of each version, as TF Serving reports it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TfModelStatusDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    TfServingController_metadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The serving_default signature, as TF Serving writes it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TfModelMetadataDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Not ready or overloaded */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    TfServingController_labelMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                label: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The serving_default signature, as TF Serving writes it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TfModelMetadataDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Not ready or overloaded */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    TfServingController_versionMetadata: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The serving_default signature, as TF Serving writes it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TfModelMetadataDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Not ready or overloaded */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    EndpointsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The endpoints */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EndpointsDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    ModelsController_list: {
        parameters: {
            query?: {
                limit?: string;
                offset?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The models */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelListDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    ModelsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateModelDto"];
            };
        };
        responses: {
            /** @description The model, created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Conflict, e.g. a name already taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    ModelsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The model */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    ModelsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted, with its versions and their files */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    ModelsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateModelDto"];
            };
        };
        responses: {
            /** @description The model as changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    VersionsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The versions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VersionDto"][];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    VersionsController_upload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["UploadVersionBodyDto"];
            };
        };
        responses: {
            /** @description The version, with its status and signature */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VersionDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Body or file over the size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Unsupported content type or file type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The model file cannot be loaded (the loader says why) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    VersionsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VersionDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    VersionsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    VersionsController_update: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                version: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateVersionDto"];
            };
        };
        responses: {
            /** @description The version as changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["VersionDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The model file cannot be loaded (the loader says why) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    DeploymentController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The deployment */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeploymentDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    DeploymentController_put: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PutDeploymentDto"];
            };
        };
        responses: {
            /** @description The deployment as set */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeploymentDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Conflict, e.g. a name already taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    DeploymentController_patch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PatchDeploymentDto"];
            };
        };
        responses: {
            /** @description The deployment as changed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeploymentDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Conflict, e.g. a name already taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    DeploymentController_promote: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RolloutActionDto"];
            };
        };
        responses: {
            /** @description The deployment after the promotion */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeploymentDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Conflict, e.g. a name already taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    DeploymentController_rollback: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RolloutActionDto"];
            };
        };
        responses: {
            /** @description The deployment after the rollback */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeploymentDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Conflict, e.g. a name already taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    DeploymentController_pause: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RolloutActionDto"];
            };
        };
        responses: {
            /** @description The deployment, its plan paused */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeploymentDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Conflict, e.g. a name already taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    DeploymentController_resume: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RolloutActionDto"];
            };
        };
        responses: {
            /** @description The deployment, its plan running again */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeploymentDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Conflict, e.g. a name already taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    DeploymentController_abort: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RolloutActionDto"];
            };
        };
        responses: {
            /** @description The deployment, its plan aborted */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeploymentDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Conflict, e.g. a name already taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    DeploymentController_history: {
        parameters: {
            query?: {
                limit?: string;
                offset?: string;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The changes, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RolloutHistoryDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    DeploymentsController_list: {
        parameters: {
            query?: {
                limit?: string;
                offset?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The deployments */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeploymentListDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    ShadowController_comparisons: {
        parameters: {
            query?: {
                /** @description Start (ISO 8601); default: an hour before `to`. Aligned down to the minute. */
                from?: string;
                /** @description End (ISO 8601, exclusive); default: now */
                to?: string;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Per pair of versions: totals over the range and a point per minute */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ShadowComparisonsDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    JobsController_submit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "multipart/form-data": components["schemas"]["SubmitJobBodyDto"];
            };
        };
        responses: {
            /** @description The job, queued: every row was checked against the version */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Body or file over the size limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Unsupported content type or file type */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Too many requests; retry after the Retry-After header */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Not ready or overloaded */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    JobsController_list: {
        parameters: {
            query?: {
                /** @description Only this model's jobs */
                model?: string;
                status?: "queued" | "running" | "succeeded" | "failed" | "cancelled";
                /** @description nextCursor of the previous page */
                cursor?: string;
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of jobs; nextCursor reads the next */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobPageDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    JobsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job, with its progress (live while it runs here) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    JobsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted, with its input and results */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Conflict, e.g. a name already taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    JobsController_results: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The results file */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": string;
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Conflict, e.g. a name already taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    JobsController_cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job, cancelled, with the rows scored before */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description Conflict, e.g. a name already taken */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process answers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LivenessDto"];
                };
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadinessDto"];
                };
            };
            /** @description Not ready; `checks` says which part is not */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadinessDto"];
                };
            };
        };
    };
    HealthController_v2Live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Live */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2LiveDto"];
                };
            };
        };
    };
    HealthController_v2Ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2ReadyDto"];
                };
            };
            /** @description Not ready */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["V2ReadyDto"];
                };
            };
        };
    };
    MetricsController_scrape: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description modelgate_* families (see docs/operations.md) and process metrics */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    TelemetryController_series: {
        parameters: {
            query?: {
                /** @description Start (ISO 8601); default: an hour before `to`. Aligned down to the minute. */
                from?: string;
                /** @description End (ISO 8601, exclusive); default: now */
                to?: string;
                /** @description Seconds per point, a multiple of 60 (the stored resolution is one minute; larger steps sum the minutes). Default: about 60 points over the range. */
                step?: string;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The series, one point per step */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelSeriesDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    TelemetryController_drift: {
        parameters: {
            query?: {
                /** @description Recent traffic compared with the baseline, in hours (default MODELGATE_DRIFT_WINDOW_HOURS) */
                hours?: string;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Each version's watched features and their PSI */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelDriftDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
    TelemetryController_payloads: {
        parameters: {
            query?: {
                limit?: string;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The requests kept, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelPayloadsDto"];
                };
            };
            /** @description Bad input: the message names the field, what was expected and what came */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No API key, or an unknown, revoked or expired one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description The key lacks the scope for this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
            /** @description No such model or version */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorDto"];
                };
            };
        };
    };
}

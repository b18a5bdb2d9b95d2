import { fakeGuid } from "../tools/fakeCloud";
import { DeclaredResource, OfflineRun } from "../tools/offlineRuntime";

/** The people of the lifecycle scenarios: two deployers, both owners of the app and members of the manager group. */
export const ALICE = { objectId: "a11ce000-0000-4000-8000-000000000001", clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46" };
export const BOB = { objectId: "b0b00000-0000-4000-8000-000000000002", clientId: "04b07795-8ddb-461a-bbee-02f9e1bf7b46" };
/** The group whose members run `pulumi up`, which manages the pools' certificates. */
export const DEPLOYERS_GROUP = "de910000-0000-4000-8000-00000000a0a0";

/** Both deployers own the app; the stack's example pools create a certificate. */
export const TEAM_CONFIG = { appOwners: [ALICE.objectId, BOB.objectId], poolCertificateManager: DEPLOYERS_GROUP };

export const PIPELINE_CONFIG = { ...TEAM_CONFIG, pipelineIdentity: true, pipelineRepository: "contoso/batch-entra" };

/** The pipeline's deploy identity as the fake cloud names it, to run the program as CI does. */
export const DEPLOY_IDENTITY = { objectId: fakeGuid("pipeline-deploy-sp/objectId"), clientId: fakeGuid("pipeline-deploy-app/clientId") };

/** Every resource's inputs by URN, for comparing two runs. */
export function inputsByUrn(run: OfflineRun): Record<string, DeclaredResource["inputs"]> {
    return Object.fromEntries(run.resources.map((resource) => [resource.urn, resource.inputs]));
}

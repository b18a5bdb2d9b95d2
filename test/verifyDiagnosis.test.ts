import { diagnoseBatchFailure, diagnoseTokenError } from "../tools/verify/diagnosis";

/** The rows of the failure table the end-to-end tests do not reach, checked on the mapping itself. */
const HOST = "https://login.microsoftonline.com";

test("AADSTS7000222: an expired secret says to run pulumi up", () => {
    const diagnosis = diagnoseTokenError(new Error("invalid_client"), { error: "invalid_client", error_codes: [7000222], error_description: "AADSTS7000222: The provided client secret keys for app 'x' are expired." }, HOST);

    expect(diagnosis.cause).toBe("the client secret has expired");
    expect(diagnosis.fix).toContain("pulumi up");
    expect(diagnosis.evidence).toMatch(/^AADSTS7000222:/);
});

test("AADSTS500011 found in the thrown error's message when no body was recorded", () => {
    const error = new Error("invalid_resource: AADSTS500011: The resource principal named https://batch.core.windows.net was not found in the tenant.");

    expect(diagnoseTokenError(error, undefined, HOST).cause).toContain("the Azure Batch service is unknown in this tenant or cloud");
});

test("an expired device code is named even though it has no AADSTS number", () => {
    const diagnosis = diagnoseTokenError(new Error("post_request_failed"), { error: "expired_token" }, HOST);

    expect(diagnosis.cause).toBe("the device code expired before the sign-in was completed");
});

test("an unknown AADSTS number points at the authority's error lookup", () => {
    const diagnosis = diagnoseTokenError(new Error("x"), { error: "invalid_request", error_codes: [50126], error_description: "AADSTS50126: Error validating credentials." }, HOST);

    expect(diagnosis.fix).toBe(`look the code up at ${HOST}/error?code=50126`);
});

test("a 401 from Batch that is not about the audience points at the tenant and scope", () => {
    const diagnosis = diagnoseBatchFailure({ status: 401, code: "AuthenticationFailed", message: "Server failed to authenticate the request.", details: [] }, "https://a.westeurope.batch.azure.com", "https://batch.core.windows.net//.default");

    expect(diagnosis.cause).toContain("Batch did not accept the token");
    expect(diagnosis.fix).toContain("https://batch.core.windows.net//.default");
    expect(diagnosis.evidence).toBe("HTTP 401, AuthenticationFailed: Server failed to authenticate the request.");
});

const DAY_MS = 86_400_000;

/**
 * A warning when the client secret in use is inside its overlap window: its rotation date (`clientSecretRotatesAt`)
 * has passed, so the next `pulumi up` issues a successor, and until one runs the secret expires at
 * `clientSecretExpiresAt`. Undefined when the stack publishes neither date or the rotation is not due yet.
 */
export function secretExpiryWarning(outputs: Record<string, unknown>, now: Date): string | undefined {
    const expiresAt = Date.parse(String(outputs.clientSecretExpiresAt ?? ""));
    const rotatesAt = Date.parse(String(outputs.clientSecretRotatesAt ?? ""));
    if (Number.isNaN(expiresAt) || Number.isNaN(rotatesAt) || now.getTime() < rotatesAt) {
        return undefined;
    }
    const days = Math.floor((expiresAt - now.getTime()) / DAY_MS);
    const when = days < 0 ? `expired ${-days} day(s) ago` : `expires in ${days} day(s)`;
    return (
        `WARNING: the client secret in use ${when} (${outputs.clientSecretExpiresAt}); its rotation was due on ` +
        `${outputs.clientSecretRotatesAt} and has not run. Run \`pulumi up\` (or the deploy workflow, which also runs daily) ` +
        "to issue its successor, then hand the new clientSecret to the clients."
    );
}

import { randomUUID } from "crypto";
import { BatchFailure } from "./diagnosis";

/**
 * The Batch data-plane REST API version the calls use. Source: "Job - List" in the Batch service REST reference
 * (`GET {batchUrl}/jobs?api-version=2024-07-01.20.0`).
 */
export const BATCH_API_VERSION = "2024-07-01.20.0";

export type BatchListResult = { readonly ok: true; readonly count: number; readonly more: boolean } | ({ readonly ok: false } & BatchFailure);

/**
 * `GET {accountUrl}/{collection}` with a bearer token: one page is enough to prove access, so the count is that of
 * the first page and `more` says whether the service has further pages.
 */
export async function listBatchCollection(
    accountUrl: string,
    collection: "jobs" | "pools",
    bearerToken: string,
    apiVersion: string,
): Promise<BatchListResult> {
    const url = `${accountUrl}/${collection}?api-version=${encodeURIComponent(apiVersion)}`;
    let response: Response;
    try {
        response = await fetch(url, {
            headers: {
                authorization: `Bearer ${bearerToken}`,
                accept: "application/json",
                "client-request-id": randomUUID(),
                "return-client-request-id": "true",
            },
            signal: AbortSignal.timeout(60_000),
        });
    } catch (error) {
        return { ok: false, details: [], networkError: error };
    }
    const text = await response.text();
    const body = parseJson(text);
    const requestId = response.headers.get("request-id") ?? undefined;
    if (response.ok) {
        const items = Array.isArray(body?.value) ? body.value : [];
        return { ok: true, count: items.length, more: typeof body?.["odata.nextLink"] === "string" };
    }
    const message = body?.message;
    const details = Array.isArray(body?.values)
        ? body.values.map((entry: { value?: unknown }) => entry?.value).filter((value: unknown): value is string => typeof value === "string")
        : [];
    return {
        ok: false,
        status: response.status,
        code: typeof body?.code === "string" ? body.code : undefined,
        message: typeof message === "string" ? message : typeof message?.value === "string" ? message.value : text.slice(0, 300) || undefined,
        details,
        requestId,
    };
}

/** Batch error bodies are loosely shaped JSON (OData); every field read from one is type-checked where used. */
function parseJson(text: string): any {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}

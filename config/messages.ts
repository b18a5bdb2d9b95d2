/**
 * How configuration values appear inside problem and warning messages. A value is user input: it may be long, hold
 * newlines or control characters (a YAML block scalar, a pasted certificate), or be a secret. Messages are printed to
 * terminals and CI logs, so a value is cut and escaped before it is shown, and can never forge an extra line.
 */

/** The longest piece of a value shown in a message; the rest is replaced by a count. */
export const SHOWN_VALUE_MAX_LENGTH = 80;
/** The longest problem, warning or example text printed; longer texts end with a count of what was cut. */
export const MESSAGE_MAX_LENGTH = 600;
/** At most this many problems are printed; the error says how many more there are. */
export const MAX_PRINTED_PROBLEMS = 25;

/** What stands in for a value that must not be shown. */
export const REDACTED = "[secret]";

/**
 * C0 and C1 control characters, DEL, and the Unicode line and paragraph separators and bidirectional overrides,
 * which terminals may render as line breaks or use to reorder what a reader sees.
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Replaces every unprintable character by a visible escape (`\n`, `\u001b`). */
export function escapeControlCharacters(text: string): string {
    return text.replace(UNPRINTABLE, (character) => {
        const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
        return Object.hasOwn(named, character) ? named[character] : `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
    });
}

/** Cuts `text` to `max` characters, saying how many were left out. */
export function cut(text: string, max: number): string {
    return text.length <= max ? text : `${text.slice(0, max)}... (${text.length - max} more characters)`;
}

/** A value as a message quotes it: in double quotes, escaped and cut. */
export function shown(value: unknown): string {
    if (value === undefined) {
        return "(missing)";
    }
    const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
    return `"${cut(escapeControlCharacters(text), SHOWN_VALUE_MAX_LENGTH)}"`;
}

/** The last line of defence for any message text: escaped and bounded, whatever the caller put in it. */
export function printable(text: string): string {
    return cut(escapeControlCharacters(text), MESSAGE_MAX_LENGTH);
}

/** Replaces every occurrence of each secret (as typed and as JSON would quote it) by REDACTED. */
export function redact(text: string, secrets: readonly string[]): string {
    let result = text;
    for (const secret of secrets) {
        // shown() cuts a long value, so its cut prefix is a form of the secret too; longer forms are replaced first.
        const escaped = escapeControlCharacters(secret);
        const forms = [secret, secret.trim(), JSON.stringify(secret).slice(1, -1), escaped, escaped.slice(0, SHOWN_VALUE_MAX_LENGTH)];
        for (const form of [...new Set(forms)].sort((a, b) => b.length - a.length)) {
            if (form.length > 0) {
                result = result.split(form).join(REDACTED);
            }
        }
    }
    return result;
}

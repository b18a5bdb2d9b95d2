import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { AZURE_ML_ROLES, BATCH_BUILT_IN_ROLES, BUILT_IN_ROLE_GUIDS, STORAGE_BLOB_DATA_CONTRIBUTOR } from "../azure/roles";
import { PROJECT_DIR } from "./helpers";

/** Every built-in role GUID the catalog holds. */
const CATALOG_GUIDS = [
    ...Object.values(BUILT_IN_ROLE_GUIDS),
    ...Object.values(BATCH_BUILT_IN_ROLES).map((role) => role.guid),
    ...Object.values(AZURE_ML_ROLES).map((role) => role.guid),
    STORAGE_BLOB_DATA_CONTRIBUTOR.guid,
];

describe("the catalog of Azure facts", () => {
    test("a built-in role GUID is written in azure/ only: components, readers, policies and tools take it from there", () => {
        const sources = execFileSync("git", ["ls-files", "*.ts"], { cwd: PROJECT_DIR, encoding: "utf8" })
            .split("\n")
            .filter((file) => file !== "" && !file.startsWith("azure/") && !file.endsWith(".test.ts") && !file.startsWith("test/"));
        const written = sources.flatMap((file) => {
            const text = fs.readFileSync(path.join(PROJECT_DIR, file), "utf8").toLowerCase();
            return CATALOG_GUIDS.filter((guid) => text.includes(guid)).map((guid) => `${file}: ${guid}`);
        });
        expect(written).toEqual([]);
    });

});

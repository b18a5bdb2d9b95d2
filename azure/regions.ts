import { CloudName } from "./clouds";
import { shown } from "../config/messages";
import type { ConfigReader } from "../config/reader";
import { closest } from "../config/suggest";

/**
 * Region names (the programmatic `name` ARM and `az account list-locations` use) per cloud. A region of another cloud
 * cannot work: each cloud has its own Resource Manager, and its regions exist nowhere else. A name in no list is only
 * warned about, since Azure opens regions faster than this list changes.
 * Sources: public: "Azure regions list" (https://learn.microsoft.com/azure/reliability/regions-list), restricted-access
 * regions included. US Government: the US Gov and US DoD locations of the Azure SDK's location catalog
 * (`Azure.Core.AzureLocation`, https://learn.microsoft.com/dotnet/api/azure.core.azurelocation). China: "Azure regions
 * list" of Azure operated by 21Vianet (https://docs.azure.cn/en-us/reliability/regions-list).
 */
export const CLOUD_REGIONS: Readonly<Record<CloudName, readonly string[]>> = {
    public: [
        "australiacentral", "australiacentral2", "australiaeast", "australiasoutheast", "austriaeast", "belgiumcentral",
        "brazilsouth", "brazilsoutheast", "canadacentral", "canadaeast", "centralindia", "centralus", "centraluseuap",
        "chilecentral", "denmarkeast", "eastasia", "eastus", "eastus2", "eastus2euap", "francecentral", "francesouth",
        "germanynorth", "germanywestcentral", "indonesiacentral", "israelcentral", "italynorth", "japaneast", "japanwest",
        "jioindiacentral", "jioindiawest", "koreacentral", "koreasouth", "malaysiawest", "mexicocentral", "newzealandnorth",
        "northcentralus", "northeurope", "norwayeast", "norwaywest", "polandcentral", "qatarcentral", "southafricanorth",
        "southafricawest", "southcentralus", "southeastasia", "southindia", "spaincentral", "swedencentral", "swedensouth",
        "switzerlandnorth", "switzerlandwest", "taiwannorth", "taiwannorthwest", "uaecentral", "uaenorth", "uksouth", "ukwest",
        "westcentralus", "westeurope", "westindia", "westus", "westus2", "westus3",
    ],
    usgovernment: ["usgovarizona", "usgovtexas", "usgovvirginia", "usdodcentral", "usdodeast"],
    china: ["chinaeast", "chinaeast2", "chinaeast3", "chinanorth", "chinanorth2", "chinanorth3"],
};

/** A region to show as the example of a good value, per cloud. */
const EXAMPLE_REGION: Readonly<Record<CloudName, string>> = { public: "westeurope", usgovernment: "usgovvirginia", china: "chinanorth3" };

export type RegionCheck =
    | { readonly kind: "known" }
    | { readonly kind: "otherCloud"; readonly cloud: CloudName }
    | { readonly kind: "unknown"; readonly suggestion: string | undefined };

/** Where a normalised region name (`westeurope`) belongs, relative to the stack's cloud. */
export function checkRegion(region: string, cloud: CloudName): RegionCheck {
    if (CLOUD_REGIONS[cloud].includes(region)) {
        return { kind: "known" };
    }
    const other = (Object.keys(CLOUD_REGIONS) as CloudName[]).find((candidate) => CLOUD_REGIONS[candidate].includes(region));
    if (other !== undefined) {
        return { kind: "otherCloud", cloud: other };
    }
    return { kind: "unknown", suggestion: closest(region, CLOUD_REGIONS[cloud]) };
}

/**
 * A region of another cloud is an error (that cloud's Resource Manager is the only one that knows it); a name in no
 * list is a warning with the nearest real name, since new regions open before this list learns of them.
 */
export function checkStackRegion(reader: ConfigReader, region: string, cloud: CloudName, key: string): void {
    const check = checkRegion(region, cloud);
    if (check.kind === "otherCloud") {
        reader.report(
            key,
            `${shown(region)} is a region of the ${check.cloud} cloud, but the stack deploys to the ${cloud} cloud (batch-entra:cloud); ` +
                `pick one of its regions, such as ${EXAMPLE_REGION[cloud]}`,
            EXAMPLE_REGION[cloud],
        );
    } else if (check.kind === "unknown") {
        reader.warn(
            key,
            `${shown(region)} is not a region of the ${cloud} cloud that batch-entra knows` + (check.suggestion ? `; did you mean "${check.suggestion}"?` : ""),
            check.suggestion
                ? `set it to ${check.suggestion}`
                : "check the name with `az account list-locations -o table`; a region opened recently is fine as it is",
        );
    }
}

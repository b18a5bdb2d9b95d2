import { runShare } from "./runShare";

runShare(1);

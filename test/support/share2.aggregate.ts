import { runShare } from "./runShare";

runShare(2);

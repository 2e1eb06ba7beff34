/** Setup file: each test file's temporary folders (made with tempDir) are removed when the file is done. */
import { afterAll } from "vitest";
import { removeTempDirs } from "./helpers.js";

afterAll(removeTempDirs);

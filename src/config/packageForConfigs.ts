import { defineConfig } from "./types";

/**
 * What a config file gets for `require("authdb")` while the CLI loads it: the package's public API, with
 * `defineConfig` at hand and everything else (the adapter, the runner: Sequelize, Umzug) loaded only if
 * the config reads it. The usual config uses `defineConfig` alone, so `authdb status` does not pay for
 * the whole package before it has read a row.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const wholePackage = (): Record<PropertyKey, unknown> => require("../index");

const atHand: Record<PropertyKey, unknown> = { defineConfig, __esModule: true };

export = new Proxy(atHand, {
  get: (target, key) => (key in target ? target[key] : wholePackage()[key]),
  has: (target, key) => key in target || key in wholePackage(),
  ownKeys: () => Reflect.ownKeys(wholePackage()),
  // The package's exports are getters that are not configurable; a proxy may only report them as configurable.
  getOwnPropertyDescriptor: (_target, key) => {
    const descriptor = Object.getOwnPropertyDescriptor(wholePackage(), key);
    return descriptor && { ...descriptor, configurable: true };
  },
});

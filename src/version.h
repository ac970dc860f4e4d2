// The package's version, as package.json says it: the one place it is written by hand. The build
// generates it (CMakeLists.txt reads package.json into generated/faultline_version.inc), as
// scripts/gen-version.mjs generates js/version.js for the JS; tests/node/version.test.js fails when
// the WASM core's default sdk.version and package.json disagree.
#pragma once

namespace faultline {

extern const char kVersion[];

}  // namespace faultline

#include "version.h"

namespace faultline {

const char kVersion[] =
#include "faultline_version.inc"
    ;

}  // namespace faultline

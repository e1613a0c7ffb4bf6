/* CProcess is header-only (see include/CProcess.h); SwiftPM needs one source file. */
#include "CProcess.h"
